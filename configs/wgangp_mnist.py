"""wgangp_mnist: WGAN-GP (Gulrajani et al. 2017, Algorithm 1): Adam 1e-4 (0, 0.9), lambda 10, n_critic 5.

Networks: DCGAN; layer norm, not batch norm, in the critic (the penalty is per example).
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/wgangp_mnist.py --workdir=runs/wgangp_mnist
"""
from configs import common


def get_config():
    return common.gan("wgangp_mnist", "wasserstein", "mnist", common.mnist_dcgan(d_norm="layer"),
                      common.optimizer("adam", 1e-4, beta_1=0.0, beta_2=0.9),
                      common.optimizer("adam", 1e-4, beta_1=0.0, beta_2=0.9),
                      steps=10_000, batch_size=64, latent_dim=100, n_critic=5, gp_weight=10.0,
                      steps_per_execution=common.MNIST_BLOCK,
                      num_samples=common.MNIST_SAMPLES)
