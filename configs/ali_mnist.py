"""ali_mnist: ALI (Dumoulin et al. 2017) on permutation-invariant MNIST: the optimiser of
bigan_mnist (its split, schedule and L2 decay) with ALI's stochastic encoder (z = mu(x) +
sigma(x) eps, reparameterised), a standard normal prior and 1024-unit MLPs with biases and batch
norm (configs.common.bigan_mnist_nets; z joins x at D's input), D and G/E updated in turn. Run:

    python -m train --config=configs/ali_mnist.py --workdir=runs/ali_mnist
"""
from ml_collections import ConfigDict

from configs import bigan_mnist, common


def get_config():
    c = bigan_mnist.get_config()
    c.name = "ali_mnist"
    c.nets = ConfigDict(common.bigan_mnist_nets())
    c.model.stochastic = True
    c.model.prior = "normal"
    c.model.squash = False
    c.model.update = "alternating"
    return c
