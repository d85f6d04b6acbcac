"""wgan_mnist: WGAN (Arjovsky et al. 2017, Algorithm 1): RMSProp 5e-5, clip 0.01, n_critic 5.

Networks: DCGAN with batch norm in both players (as in the WGAN paper's DCGAN critic).
Not followed: the official code's critic warm-up (100 critic updates per generator update for the
first 25 and at every 500th; REFERENCES.md). A GAN step here is one generator update after a fixed
n_critic (its batch is [B, n_critic, ...]), so every update has 5. A step that skips the generator
update, or loops over a varying number of critic updates, puts an optimizer's update inside a
tf.cond or tf.while_loop; under MirroredStrategy Keras's gradient all-reduce there raises
"merge_call called while defining a new graph or a tf.function" (TensorFlow 2.21, tried on 2
logical CPUs), and a recipe must train the same on one device and on several.
Other image sets: --config.data.name=fashion_mnist (28x28x1). Run:

    python -m train --config=configs/wgan_mnist.py --workdir=runs/wgan_mnist
"""
from configs import common


def get_config():
    return common.gan("wgan_mnist", "wasserstein", "mnist", common.mnist_dcgan(),
                      common.optimizer("rmsprop", 5e-5), common.optimizer("rmsprop", 5e-5),
                      steps=10_000, batch_size=64, latent_dim=100, n_critic=5, clip_value=0.01,
                      steps_per_execution=common.MNIST_BLOCK,
                      num_samples=common.MNIST_SAMPLES)
