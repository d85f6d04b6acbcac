"""The 4-point problem of the AVB paper (Mescheder et al. 2017, Sec. 5.1): the data are the four
one-hot vectors of R^4, each with probability 1/4, coded -1 / +1 like every binary set of the zoo
(+1 where the one-hot vector has a 1); a 2-d latent space. A perfect model has log p(x) = -log 4
for every point; an encoder's posteriors should tile the latent space."""
import numpy as np
import tensorflow as tf

POINTS = {"four_points": 4}


def points(name):
    """The data points of `name` as a [K, K] float32 array in {-1, +1} (row k: point k)."""
    k = POINTS[name]
    return (2.0 * np.eye(k) - 1.0).astype(np.float32)


def dataset(name, batch_size, seed, start=0):
    """Infinite batches [batch_size, K] of points drawn uniformly; batch i is a pure function of (seed, i)."""
    table = tf.constant(points(name))
    base = tf.constant([seed, 0x4B], tf.int64)

    def make(i):
        key = tf.random.experimental.stateless_fold_in(base, i)
        idx = tf.random.stateless_uniform([batch_size], seed=key, maxval=len(points(name)), dtype=tf.int32)
        return tf.gather(table, idx)

    return tf.data.Dataset.counter(start).map(make).prefetch(tf.data.AUTOTUNE)
