"""lsgan_mnist: the least-squares GAN (Mao et al. 2017, Eq. 2, a=0, b=c=1).

Networks and optimiser: DCGAN (Radford et al. 2016): batch norm, Adam 2e-4 beta1 0.5, batch 64, z 100-d.
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/lsgan_mnist.py --workdir=runs/lsgan_mnist
"""
from configs import common


def get_config():
    return common.gan("lsgan_mnist", "least_squares", "mnist", common.mnist_dcgan(),
                      common.optimizer("adam", 2e-4, beta_1=0.5), common.optimizer("adam", 2e-4, beta_1=0.5),
                      steps=10_000, batch_size=64, latent_dim=100)
