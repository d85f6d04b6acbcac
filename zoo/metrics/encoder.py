"""Encoder metrics: how much of the data an encoder E(x) keeps.

- recon_mse_test: mean over test images of the mean squared pixel error of reconstruct(x), pixels
  mapped to [0, 1].
- nn1_acc_test: 1-nearest-neighbour (Euclidean) label accuracy of test codes against the train codes
  (the BiGAN paper's protocol: train codes are the reference set, test codes are queried).
- probe_acc_test: accuracy on test codes of a multinomial logistic regression (a linear probe) fitted
  on the standardised train codes.
"""
import numpy as np


def _batched(fn, x, batch_size=1000):
    return np.concatenate([np.asarray(fn(x[i:i + batch_size])) for i in range(0, len(x), batch_size)])


def codes(encode, images, batch_size=1000):
    """encode(images) in batches, flattened to [N, d] float32."""
    out = _batched(encode, images, batch_size)
    return out.reshape(len(out), -1).astype(np.float32)


def reconstruction_mse(images, reconstructions):
    """Mean over images of the mean squared error per pixel, both in [-1, 1], measured in [0, 1]."""
    diff = (np.asarray(images, np.float64) - np.asarray(reconstructions, np.float64)) / 2.0
    return float((diff.reshape(len(diff), -1) ** 2).mean())


def nearest_neighbour_accuracy(train_codes, train_labels, test_codes, test_labels, block=1000):
    """Fraction of test codes whose nearest train code (Euclidean) has the same label."""
    import tensorflow as tf

    ref = tf.constant(np.asarray(train_codes, np.float32))
    ref_sq = tf.reduce_sum(ref * ref, axis=1)

    @tf.function
    def nearest(q):
        d2 = ref_sq[None, :] - 2.0 * tf.matmul(q, ref, transpose_b=True)  # ||q||^2 does not change the argmin
        return tf.argmin(d2, axis=1)

    test_codes = np.asarray(test_codes, np.float32)
    idx = np.concatenate([nearest(tf.constant(test_codes[i:i + block])).numpy()
                          for i in range(0, len(test_codes), block)])
    return float((np.asarray(train_labels)[idx] == np.asarray(test_labels)).mean())


def linear_probe_accuracy(train_codes, train_labels, test_codes, test_labels, epochs=30,
                          batch_size=256, learning_rate=1e-2, l2=1e-4, seed=0):
    """Test accuracy of a softmax regression trained with Adam on standardised train codes (seeded)."""
    import keras
    import tensorflow as tf

    x = np.asarray(train_codes, np.float32)
    mean, std = x.mean(0), x.std(0) + 1e-6
    x = (x - mean) / std
    xt = (np.asarray(test_codes, np.float32) - mean) / std
    y = np.asarray(train_labels, np.int64)
    k = int(max(y.max(), np.max(test_labels)) + 1)
    d = x.shape[1]
    w = tf.Variable(tf.zeros([d, k]))
    b = tf.Variable(tf.zeros([k]))
    opt = keras.optimizers.Adam(learning_rate)
    ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
          .batch(batch_size).repeat(epochs))

    @tf.function
    def fit(ds):
        for xb, yb in ds:
            with tf.GradientTape() as tape:
                logits = tf.matmul(xb, w) + b
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, logits))
                loss += l2 * tf.reduce_sum(w * w)
            opt.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))

    fit(ds)
    predictions = np.argmax(xt @ w.numpy() + b.numpy(), axis=1)
    return float((predictions == np.asarray(test_labels)).mean())


def encoder_metrics(model, train, train_labels, test, test_labels, train_codes=None):
    """The three encoder metrics of a model with `features(x)` and `reconstruct(x)` (images in [-1, 1]):
    1-NN and the linear probe compare features(x) (for most models encode(x); `train_codes`: those of
    `train`, when the caller has them)."""
    if train_codes is None:
        train_codes = codes(model.features, train)
    test_codes = codes(model.features, test)
    return dict(
        recon_mse_test=reconstruction_mse(test, _batched(model.reconstruct, test)),
        nn1_acc_test=nearest_neighbour_accuracy(train_codes, train_labels, test_codes, test_labels),
        probe_acc_test=linear_probe_accuracy(train_codes, train_labels, test_codes, test_labels),
    )
