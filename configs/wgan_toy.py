"""wgan_toy: WGAN (Arjovsky et al. 2017, Algorithm 1): RMSProp 5e-5, clip 0.01, n_critic 5.

The WGAN paper has no toy recipe: Algorithm 1's defaults (above; batch 64) on PacGAN's toy networks
(configs.common.toy_mlp: a maxout critic, a batch-norm generator).
Not followed: the official code's critic warm-up (100 critic updates per generator update for the
first 25 and at every 500th; REFERENCES.md). A GAN step here is one generator update after a fixed
n_critic (its batch is [B, n_critic, ...]), so every update has 5. A step that skips the generator
update, or loops over a varying number of critic updates, puts an optimizer's update inside a
tf.cond or tf.while_loop; under MirroredStrategy Keras's gradient all-reduce there raises
"merge_call called while defining a new graph or a tf.function" (TensorFlow 2.21, tried on 2
logical CPUs), and a recipe must train the same on one device and on several.
Pick the mixture with --config.data.name=ring|grid|swissroll. Run:

    python -m train --config=configs/wgan_toy.py --workdir=runs/wgan_toy --config.data.name=grid
"""
from configs import common


def get_config():
    return common.gan("wgan_toy", "wasserstein", "ring", common.toy_mlp(),
                      common.optimizer("rmsprop", 5e-5), common.optimizer("rmsprop", 5e-5),
                      steps=20_000, batch_size=64, latent_dim=2, n_critic=5, clip_value=0.01,
                      steps_per_execution=100, intra_op_threads=common.TOY_THREADS)
