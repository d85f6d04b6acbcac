"""wgangp_toy: WGAN-GP (Gulrajani et al. 2017, Algorithm 1) with the official toy recipe.

From igul222/improved_wgan_training gan_toy.py: 3 x 512 ReLU MLPs for both players with He-uniform
hidden kernels, no normalisation, batch 256, 5 critic iterations per generator update,
Adam(1e-4, beta1 0.5, beta2 0.9) and lambda 0.1 ("smaller lambda makes things faster for toy
tasks"; the paper's 10 is for images), on data scaled to unit standard deviation per coordinate
(its 8 gaussians / 1.414 and 25 gaussians / 2.828: the zoo's ring_unit and grid_unit, PacGAN's
mixtures at that scale; the mode metrics read the same in units of the components' std).
100,000 updates in the official code; 5,000 here (5%: 72-106 ms per update on the 2-core machines measured, 6-9
minutes; one thread per op, common.TOY_THREADS: 1.16x TensorFlow's default threading, settings.md).
Pick the mixture with --config.data.name=ring_unit|grid_unit (or ring|grid|swissroll unscaled). Run:

    python -m train --config=configs/wgangp_toy.py --workdir=runs/wgangp_toy --config.data.name=grid_unit
"""
from configs import common

ADAM = dict(beta_1=0.5, beta_2=0.9)


def get_config():
    mlp = dict(name="mlp", widths=(512, 512, 512), activation="relu", init="he_uniform")
    return common.gan("wgangp_toy", "wasserstein", "ring_unit", dict(generator=mlp, discriminator=dict(mlp)),
                      common.optimizer("adam", 1e-4, **ADAM), common.optimizer("adam", 1e-4, **ADAM),
                      steps=5_000, batch_size=256, latent_dim=2, n_critic=5, gp_weight=0.1,
                      steps_per_execution=100, intra_op_threads=common.TOY_THREADS)
