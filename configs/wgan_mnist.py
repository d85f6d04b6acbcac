"""wgan_mnist: WGAN (Arjovsky et al. 2017, Algorithm 1): RMSProp 5e-5, clip 0.01, n_critic 5.

Networks: DCGAN with batch norm in both players (as in the WGAN paper's DCGAN critic).
Not followed: the official code's critic warm-up (100 critic updates per generator update for the
first 25 and at every 500th; ../shared/REFERENCES.md): every generator update has 5 (README's table of
configs says why).
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/wgan_mnist.py --workdir=runs/wgan_mnist
"""
from configs import common


def get_config():
    return common.gan("wgan_mnist", "wasserstein", "mnist", common.mnist_dcgan(),
                      common.optimizer("rmsprop", 5e-5), common.optimizer("rmsprop", 5e-5),
                      steps=10_000, batch_size=64, latent_dim=100, n_critic=5, clip_value=0.01,
                      steps_per_execution=common.MNIST_BLOCK,
                      num_samples=common.MNIST_SAMPLES)
