"""mmgan_toy: the original minimax GAN (Goodfellow et al. 2014, Eq. 1): G minimises log(1 - D(G(z))).

Networks, optimiser and budget: configs.common.toy_gan (PacGAN's toy recipe). PacGAN's packing:
--config.model.pac=M --config.data.batch_size=100*M (the critic judges 100 packs of M
samples per step).
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/mmgan_toy.py --workdir=runs/mmgan_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.toy_gan("mmgan_toy", "minimax")
