"""mmgan_mnist: the original minimax GAN (Goodfellow et al. 2014, Eq. 1): G minimises log(1 - D(G(z))).

Networks and optimiser: configs.common.mnist_gan (DCGAN, Radford et al. 2016).
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/mmgan_mnist.py --workdir=runs/mmgan_mnist
"""
from configs import common


def get_config():
    return common.mnist_gan("mmgan_mnist", "minimax")
