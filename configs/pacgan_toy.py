"""pacgan_toy: PacGAN2 (Lin et al. 2018): the non-saturating GAN (nsgan_toy) whose discriminator
judges packs of 2 samples, 200 samples (100 packs) per step. The embedded default of `python -m train`.

Networks, optimiser and budget: configs.common.toy_gan (PacGAN's toy recipe, 10,000 updates). Packing
is why it is the default: unpacked, the same budget covers the ring's 8 modes in most seeds, not all,
and which ones depends on the CPU's rounding (README, 'Mode coverage on the PacGAN mixtures').
Pick the mixture with --config.data.name=ring|grid|swissroll; other pack sizes:
--config.model.pac=M --config.data.batch_size=100*M. Run:

    python -m train --config=configs/pacgan_toy.py --workdir=runs/pacgan_toy
"""
from configs import common


def get_config():
    return common.toy_gan("pacgan_toy", "non_saturating", pac=2)
