"""tempered_toy: a toy-mixture GAN with the Tempered lens (Sajjadi et al. 2018), an MLP lens.

The base recipe is chosen after a colon: nsgan (default), mmgan, lsgan, wgan, wgangp or fgan
(configs/RECIPE_toy.py); the lens is zoo.nets.lens on 2-d points (64 units, 2 residual blocks) and
K = 2,000 (10% of the 20,000 steps, the paper's proportion). Run:

    python -m train --config=configs/tempered_toy.py --workdir=runs/tempered_toy --config.model.lens_k=2000
    python -m train --config=configs/tempered_toy.py:lsgan --workdir=runs/tempered_lsgan_toy --config.data.name=grid
"""
from configs import common


def get_config(recipe="nsgan"):
    return common.tempered(common.base_recipe("toy", recipe or "nsgan"), "tempered_toy", k=2_000,
                           width=64, depth=2)
