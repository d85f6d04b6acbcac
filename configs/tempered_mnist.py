r"""tempered_mnist: a GAN on MNIST with the Tempered lens (Sajjadi et al. 2018) in front of the critic.

The base recipe is chosen after a colon: nsgan (default), mmgan, lsgan, wgan, wgangp or fgan, each
with its own networks, optimisers and critic settings (configs/RECIPE_mnist.py), plus the paper's
lens (32 channels, 8 residual blocks) and K = 1,000 (the paper anneals over the first 10% of
training: K = 1e5 of 1e6 steps; 10% of our 10,000). The objective alone can also be switched on the
default recipe (--config.model.objective.name=least_squares|minimax|non_saturating). Run:

    python -m train --config=configs/tempered_mnist.py --workdir=runs/tempered_mnist --config.model.lens_k=1000
    python -m train --config=configs/tempered_mnist.py:wgangp --workdir=runs/tempered_wgangp_mnist
    python -m train --config=configs/tempered_mnist.py:fgan --workdir=runs/tempered_fgan \
        --config.model.objective.divergence=jensen_shannon
"""
from configs import common


def get_config(recipe="nsgan"):
    return common.tempered(common.base_recipe("mnist", recipe or "nsgan"), "tempered_mnist", k=1_000)
