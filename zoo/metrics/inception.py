"""Inception-v3 features for RGB data (eval.features="inception"), through keras.applications.

For users with a network: the ImageNet weights (about 92 MB) are downloaded by Keras on first use
into ~/.keras/models and reused afterwards. Offline, and without that cached file, `load` fails with
one sentence instead of a long retry. Not used by the tests.

These are Keras' Inception-v3 weights, not the 2015 TensorFlow graph that TF-GAN and pytorch-fid use,
so FIDs from here are comparable with each other, not with published Inception FIDs.
"""
import os

import numpy as np

from zoo.data.images import online
from zoo.errors import UserError

WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
SIZE = 299


def _cached_weights():
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(home, "models", WEIGHTS_FILE)


def weights_dir():
    return os.path.dirname(_cached_weights())


def available():
    """Whether `load` can work: the weights are cached, or the download servers answer."""
    return os.path.exists(_cached_weights()) or online()


def load():
    """The Inception-v3 feature network (pool features 2048-d and the ImageNet softmax), or a UserError."""
    if not available():
        raise UserError(f"eval.features='inception' needs the Keras Inception-v3 ImageNet weights, which "
                        f"are not in {weights_dir()} and cannot be downloaded "
                        f"without a network; use eval.features='classifier' (MNIST-like data) instead")
    import keras

    try:
        net = keras.applications.InceptionV3(weights="imagenet", include_top=True)
    except Exception as e:  # urllib/HTTP errors mid-download
        raise UserError(f"could not download the Inception-v3 weights ({type(e).__name__}: {e})") from None
    model = keras.Model(net.inputs, [net.get_layer("avg_pool").output, net.output])
    return Inception(model)


class Inception:
    """Batched features and probabilities of images [N, H, W, C] in [-1, 1] (C = 1 or 3)."""

    def __init__(self, model, batch_size=100):
        import tensorflow as tf

        self.batch_size = batch_size

        def run(x):
            if x.shape[-1] == 1:
                x = tf.tile(x, [1, 1, 1, 3])
            x = tf.image.resize(x, [SIZE, SIZE], method="bilinear")  # Inception's own input range is [-1, 1]
            return model(x, training=False)

        self._run = tf.function(run, reduce_retracing=True)

    def outputs(self, images):
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise UserError(f"Inception features need images [N, H, W, 1 or 3], not {list(images.shape)}")
        features, probs = [], []
        for i in range(0, len(images), self.batch_size):
            f, p = self._run(images[i:i + self.batch_size])
            features.append(f.numpy())
            probs.append(p.numpy())
        return np.concatenate(features), np.concatenate(probs)
