"""nsgan_mnist: the non-saturating GAN (Goodfellow et al. 2014, Sec. 3): G minimises -log D(G(z)).

Networks and optimiser: configs.common.mnist_gan (DCGAN, Radford et al. 2016).
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/nsgan_mnist.py --workdir=runs/nsgan_mnist
"""
from configs import common


def get_config():
    return common.mnist_gan("nsgan_mnist", "non_saturating")
