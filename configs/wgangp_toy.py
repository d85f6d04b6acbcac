"""wgangp_toy: WGAN-GP (Gulrajani et al. 2017, Algorithm 1) with the official toy recipe.

From igul222/improved_wgan_training gan_toy.py: 3 x 512 ReLU MLPs for both players, no normalisation,
batch 256, 5 critic iterations per generator update, Adam(1e-4, beta1 0.5, beta2 0.9) and
lambda 0.1 ("smaller lambda makes things faster for toy tasks"; the paper's 10 is for images).
The official code also divides its data by 2.828 (grid) / 1.414 (8 gaussians); the zoo trains on
PacGAN's mixtures unscaled, so that the mode metrics read the PacGAN units. 100,000 updates in the
official code; 5,000 here (5%: 55 ms per update on 2 cores, about 5 minutes). Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/wgangp_toy.py --workdir=runs/wgangp_toy --config.data.name=grid
"""
from configs import common

ADAM = dict(beta_1=0.5, beta_2=0.9)


def get_config():
    nets = dict(generator=dict(name="mlp", widths=(512, 512, 512), activation="relu"),
                discriminator=dict(name="mlp", widths=(512, 512, 512), activation="relu"))
    return common.gan("wgangp_toy", "wasserstein", "ring", nets,
                      common.optimizer("adam", 1e-4, **ADAM), common.optimizer("adam", 1e-4, **ADAM),
                      steps=5_000, batch_size=256, latent_dim=2, n_critic=5, gp_weight=0.1,
                      steps_per_execution=100, intra_op_threads=common.TOY_THREADS)
