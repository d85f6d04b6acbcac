r"""fgan_mnist: f-GAN (Nowozin et al. 2016) with any f-divergence on MNIST, DCGAN networks.

Divergences (--config.model.objective.divergence=NAME): total_variation, kl (default), reverse_kl,
pearson, neyman, hellinger, jeffrey, jensen_shannon, js_weighted (--config.model.objective.divergence_param=PI),
gan, alpha (--config.model.objective.divergence_param=ALPHA, not 0 or 1). Generator update:
--config.model.objective.g_update=alternative (the paper's default) or saddle; critic output bound
--config.model.objective.output_bound=B (default 20, 0 = off). Networks and optimiser:
configs.common.mnist_gan. Run:

    python -m train --config=configs/fgan_mnist.py --workdir=runs/fgan_mnist \
        --config.model.objective.divergence=jensen_shannon
"""
from configs import common


def get_config():
    return common.f_gan(common.mnist_gan("fgan_mnist", "f_gan"))
