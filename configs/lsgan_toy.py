"""lsgan_toy: the least-squares GAN (Mao et al. 2017, Eq. 2, a=0, b=c=1).

Networks, optimiser and budget: configs.common.toy_gan (PacGAN's toy recipe). PacGAN's packing:
--config.model.pac=M --config.data.batch_size=100*M (the critic judges 100 packs of M
samples per step).
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/lsgan_toy.py --workdir=runs/lsgan_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.toy_gan("lsgan_toy", "least_squares")
