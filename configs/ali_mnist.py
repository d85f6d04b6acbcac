"""ali_mnist: ALI (Dumoulin et al. 2017) on permutation-invariant MNIST: the BiGAN networks and
optimiser of bigan_mnist (its split, schedule and L2 decay) with ALI's stochastic encoder (z = mu(x) + sigma(x) eps, reparameterised)
and a standard normal prior. Run:

    python -m train --config=configs/ali_mnist.py --workdir=runs/ali_mnist
"""
from configs import bigan_mnist


def get_config():
    c = bigan_mnist.get_config()
    c.name = "ali_mnist"
    c.model_options.stochastic = True
    c.model_options.prior = "normal"
    return c
