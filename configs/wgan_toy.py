"""wgan_toy: WGAN (Arjovsky et al. 2017, Algorithm 1): RMSProp 5e-5, clip 0.01, n_critic 5.

The WGAN paper has no toy recipe: Algorithm 1's defaults (above; batch 64) on PacGAN's toy networks
(configs.common.toy_mlp: a maxout critic, a batch-norm generator).
Not followed: the official code's critic warm-up (100 critic updates per generator update for the
first 25 and at every 500th; ../shared/REFERENCES.md): every generator update has 5 (README's table of
configs says why).
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/wgan_toy.py --workdir=runs/wgan_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.gan("wgan_toy", "wasserstein", "ring", common.toy_mlp(),
                      common.optimizer("rmsprop", 5e-5), common.optimizer("rmsprop", 5e-5),
                      steps=20_000, batch_size=64, latent_dim=2, n_critic=5, clip_value=0.01,
                      steps_per_execution=100, intra_op_threads=common.TOY_THREADS)
