"""wgangp_toy: WGAN-GP (Gulrajani et al. 2017, Algorithm 1): Adam 1e-4 (0, 0.9), lambda 10, n_critic 5.

Networks: the official WGAN-GP toy code's 3x512 ReLU MLPs, batch 256; no normalisation in the critic.
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/wgangp_toy.py --workdir=runs/wgangp_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.gan("wgangp_toy", "wasserstein", "ring",
                      common.toy_mlp(g_widths=(512, 512, 512), d_widths=(512, 512, 512)),
                      common.optimizer("adam", 1e-4, beta_1=0.0, beta_2=0.9),
                      common.optimizer("adam", 1e-4, beta_1=0.0, beta_2=0.9),
                      steps=20_000, batch_size=256, latent_dim=2, n_critic=5, gp_weight=10.0,
                      steps_per_execution=100)
