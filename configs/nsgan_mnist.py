"""nsgan_mnist: the non-saturating GAN (Goodfellow et al. 2014, Sec. 3): G minimises -log D(G(z)).

Networks and optimiser: DCGAN (Radford et al. 2016): batch norm, Adam 2e-4 beta1 0.5, batch 64, z 100-d.
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/nsgan_mnist.py --workdir=runs/nsgan_mnist
"""
from configs import common


def get_config():
    return common.gan("nsgan_mnist", "non_saturating", "mnist", common.mnist_dcgan(),
                      common.optimizer("adam", 2e-4, beta_1=0.5), common.optimizer("adam", 2e-4, beta_1=0.5),
                      steps=10_000, batch_size=64, latent_dim=100)
