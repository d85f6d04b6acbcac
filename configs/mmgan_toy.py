"""mmgan_toy: the original minimax GAN (Goodfellow et al. 2014, Eq. 1): G minimises log(1 - D(G(z))).

Networks and optimiser: the PacGAN toy protocol (G 4x400 ReLU, Adam beta1 0.8, batch 100, z 2-d)
except the learning rate: 1e-3, not PacGAN's 1e-4. Measured on the ring, seed 0, 20k steps: at 1e-4
the non-saturating GAN never left its initial collapse (0 modes); at 1e-3 it covered 7 of 8.
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/mmgan_toy.py --workdir=runs/mmgan_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.gan("mmgan_toy", "minimax", "ring", common.toy_mlp(),
                      common.optimizer("adam", 1e-3, beta_1=0.8), common.optimizer("adam", 1e-3, beta_1=0.8),
                      steps=20_000, batch_size=100, latent_dim=2,
                      steps_per_execution=100)
