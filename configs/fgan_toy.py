r"""fgan_toy: f-GAN (Nowozin et al. 2016) with any f-divergence on the toy mixtures.

Divergences (--config.model.objective.divergence=NAME): total_variation, kl (default), reverse_kl,
pearson, neyman, hellinger, jeffrey, jensen_shannon, js_weighted (--config.model.objective.divergence_param=PI),
gan, alpha (--config.model.objective.divergence_param=ALPHA, not 0 or 1). Generator update:
--config.model.objective.g_update=alternative (the paper's default) or saddle; critic output bound
--config.model.objective.output_bound=B (default 20, 0 = off). Networks, optimiser and budget:
configs.common.toy_gan (PacGAN's toy recipe; packing: --config.model.pac=M
--config.data.batch_size=100*M). Run:

    python -m train --config=configs/fgan_toy.py --workdir=runs/fgan_toy \
        --config.model.objective.divergence=hellinger --config.data.name=grid
"""
from configs import common


def get_config():
    return common.f_gan(common.toy_gan("fgan_toy", "f_gan"))
