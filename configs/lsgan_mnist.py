"""lsgan_mnist: the least-squares GAN (Mao et al. 2017, Eq. 2, a=0, b=c=1).

Networks and optimiser: configs.common.mnist_gan (DCGAN, Radford et al. 2016).
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/lsgan_mnist.py --workdir=runs/lsgan_mnist
"""
from configs import common


def get_config():
    return common.mnist_gan("lsgan_mnist", "least_squares")
