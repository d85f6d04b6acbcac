"""The zoo's pinned MNIST classifier: the feature network and label classifier of every MNIST metric.

Inception weights cannot be downloaded everywhere, and FIDs from different feature networks are not
comparable, so the zoo ships its own: a small CNN trained on MNIST train by

    python -m zoo.metrics.classifier --out=zoo/metrics/mnist_classifier.bin

(deterministic from --seed with TensorFlow op determinism; a few minutes on 2 CPU cores). The
weights are stored as raw little-endian float32 arrays in `layers` order, so the file's SHA-256
(SHA256 below) pins the weights themselves; a file that does not match it is refused, never used.

Inputs are images [N, 28, 28, 1] in [-1, 1] (the zoo's data and generator range). `features` is the
128-d penultimate layer (ReLU), `probs` the softmax over the ten digits.
"""
import os

import numpy as np

from zoo_core.files import sha256 as sha256_of
from zoo_core import files
from zoo.errors import UserError

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist_classifier.bin")
SHA256 = "62371572e99a46d2273804ae82a99d8ad547dffe9ae5b20b8540a6c761d640a0"
SHAPE = (28, 28, 1)
FEATURES = 128


def build():
    """The architecture (no weights): two blocks of two 3x3 convs and a 2x2 max-pool, then 128-d features."""
    import keras
    from keras import layers

    x = inputs = keras.Input(SHAPE, name="x")
    for width in (32, 64):
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(width, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    features = layers.Dense(FEATURES, activation="relu", name="features")(x)
    logits = layers.Dense(10, name="logits")(features)
    return keras.Model(inputs, [features, logits], name="mnist_classifier")


def save_weights(model, path):
    """Raw float32 little-endian weights in `model.weights` order (byte-identical for equal weights)."""
    blob = b"".join(np.asarray(w, "<f4").tobytes() for w in model.get_weights())
    files.write_bytes(path, blob)
    return sha256_of(path)


def load(path=WEIGHTS, sha256="pinned"):
    """The classifier with the weights of `path`, after checking the file's SHA-256.

    `sha256="pinned"` checks against the zoo's pinned hash; pass another hex digest for a
    classifier you trained yourself, or None to skip the check (only for files you just wrote).
    """
    expected = SHA256 if sha256 == "pinned" else sha256
    if not os.path.exists(path):
        raise UserError(f"the MNIST classifier weights {path} are missing; recreate them with "
                        f"python -m zoo.metrics.classifier --out={path}")
    if expected is not None:
        actual = sha256_of(path)
        if actual != expected:
            raise UserError(f"the MNIST classifier weights {path} have SHA-256 {actual[:12]}..., "
                            f"not the pinned {expected[:12]}...; refusing to compute metrics with them "
                            f"(restore the file from git or retrain with python -m zoo.metrics.classifier)")
    model = build()
    flat = np.fromfile(path, "<f4")
    sizes = [int(np.prod(w.shape)) for w in model.weights]
    if flat.size != sum(sizes):
        raise UserError(f"{path} holds {flat.size} weights, the classifier needs {sum(sizes)}")
    arrays, offset = [], 0
    for w, size in zip(model.weights, sizes):
        arrays.append(flat[offset:offset + size].reshape(w.shape))
        offset += size
    model.set_weights(arrays)
    return Classifier(model)


class Classifier:
    """Batched inference of the classifier: features and softmax probabilities as numpy arrays."""

    def __init__(self, model, batch_size=1000):
        import tensorflow as tf

        self.model = model
        self.batch_size = batch_size
        self._run = tf.function(lambda x: _outputs(model, x), reduce_retracing=True)

    def outputs(self, images):
        """(features float32 [N, 128], probs float32 [N, 10]) of `images` [N, 28, 28, 1] in [-1, 1]."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or images.shape[1:] != SHAPE:
            raise UserError(f"the MNIST classifier takes images of shape [N, 28, 28, 1], "
                            f"not {list(images.shape)}")
        features, probs = [], []
        for i in range(0, len(images), self.batch_size):
            f, p = self._run(images[i:i + self.batch_size])
            features.append(f.numpy())
            probs.append(p.numpy())
        if not features:
            return np.zeros((0, FEATURES), np.float32), np.zeros((0, 10), np.float32)
        return np.concatenate(features), np.concatenate(probs)

    def features(self, images):
        return self.outputs(images)[0]

    def probs(self, images):
        return self.outputs(images)[1]

    def labels(self, images):
        return self.probs(images).argmax(-1)


def _outputs(model, x):
    import tensorflow as tf

    features, logits = model(x, training=False)
    return features, tf.nn.softmax(logits)


def train(seed=0, epochs=3, batch_size=128, learning_rate=1e-3, download=False, verbose=1):
    """Trains the classifier on MNIST train from `seed`; returns (model, test accuracy). Deterministic
    (the pinned SHA256) where the process turned op determinism on first, as the command does."""
    import keras
    import tensorflow as tf

    from zoo.data import images

    keras.utils.set_random_seed(seed)
    x_train, y_train = images.arrays("mnist", "train", download=download)
    x_test, y_test = images.arrays("mnist", "test", download=download)
    model = build()
    logits_only = keras.Model(model.inputs, model.outputs[1])
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, epochs * len(x_train) // batch_size)
    logits_only.compile(keras.optimizers.Adam(schedule),
                        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=["accuracy"])
    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(len(x_train), seed=seed).batch(batch_size).prefetch(2))
    logits_only.fit(train_ds, epochs=epochs, verbose=verbose)
    accuracy = accuracy_of(Classifier(model), x_test, y_test)
    return model, accuracy


def accuracy_of(classifier, images, labels):
    return float((classifier.labels(images) == labels).mean())


def main(argv):
    import tensorflow as tf
    from absl import flags

    tf.config.experimental.enable_op_determinism()  # process-wide, so here at the command's start
    FLAGS = flags.FLAGS
    model, accuracy = train(seed=FLAGS.seed, epochs=FLAGS.epochs, download=FLAGS.download)
    digest = save_weights(model, FLAGS.out)
    print(f"MNIST test accuracy {accuracy:.4f}; wrote {FLAGS.out} (SHA-256 {digest})")
    if digest != SHA256:
        print(f"this differs from the pinned SHA-256 {SHA256}; to use these weights, set "
              f"zoo.metrics.classifier.SHA256 to the new value")


if __name__ == "__main__":
    from absl import app, flags

    from zoo_core.errors import exit_on_user_error

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    flags.DEFINE_string("out", WEIGHTS, "Where to write the weights.")
    flags.DEFINE_integer("seed", 0, "Seed of the initial weights and the data order.")
    flags.DEFINE_integer("epochs", 3, "Training epochs.")
    flags.DEFINE_bool("download", False, "Let tfds download MNIST if it is not prepared.")

    app.run(exit_on_user_error(main))
