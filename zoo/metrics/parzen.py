"""Parzen-window log-likelihood: the protocol of Goodfellow et al. 2014 (official parzen_ll.py).

A Gaussian kernel density with bandwidth s is fitted to generated samples mu_1..mu_n (pixels in
[0, 1], flattened to d values) and evaluated on held-out images:

    log p(x) = logmeanexp_i(-||x - mu_i||^2 / (2 s^2)) - d log(s sqrt(2 pi))

s is chosen over logspace(-1, 0, 10) by the mean log-likelihood of validation images (MNIST
train[50000:51000]); the result is the mean +- standard error over the test set. Squared
distances come from one float64 matmul per block of queries (||x||^2 + ||mu||^2 - 2 x.mu), and the
log-mean-exp runs on the device, so 10k x 10k MNIST images take seconds, not minutes.
"""
import math

import numpy as np

SIGMAS = tuple(np.logspace(-1, 0, 10))


def _sq_distances(queries, samples, samples_sq):
    import tensorflow as tf

    q_sq = tf.reduce_sum(queries * queries, axis=1, keepdims=True)
    d2 = q_sq + samples_sq[None, :] - 2.0 * tf.matmul(queries, samples, transpose_b=True)
    return tf.maximum(d2, 0.0)


def log_likelihoods(samples, queries, sigmas, block=500):
    """log p(x) of every query under the Parzen window of `samples`, for each bandwidth: [len(sigmas), Nq].

    `samples` [n, ...] and `queries` [Nq, ...] are flattened; their values are used as given.
    """
    import tensorflow as tf

    samples = tf.constant(np.reshape(samples, (len(samples), -1)), tf.float64)
    queries = np.reshape(queries, (len(queries), -1)).astype(np.float64)
    n, d = samples.shape
    sigmas = tf.constant(np.asarray(sigmas, np.float64))
    samples_sq = tf.reduce_sum(samples * samples, axis=1)

    @tf.function
    def one_block(q):
        d2 = _sq_distances(q, samples, samples_sq)  # [b, n]
        scaled = -d2[None, :, :] / (2.0 * sigmas[:, None, None] ** 2)  # [S, b, n]
        return (tf.reduce_logsumexp(scaled, axis=2) - math.log(n)
                - d * tf.math.log(sigmas * math.sqrt(2 * math.pi))[:, None])

    out = [one_block(tf.constant(queries[i:i + block])).numpy() for i in range(0, len(queries), block)]
    return np.concatenate(out, axis=1)


def parzen(samples, validation, test, sigmas=SIGMAS):
    """The Goodfellow protocol: returns dict(mean, se, sigma, validation={sigma: mean log p}).

    All inputs in [0, 1] (the caller maps the zoo's [-1, 1] images with (x + 1) / 2).
    """
    val = log_likelihoods(samples, validation, sigmas).mean(1)
    best = int(np.argmax(val))
    ll = log_likelihoods(samples, test, [sigmas[best]])[0]
    return dict(mean=float(ll.mean()), se=float(ll.std(ddof=1) / math.sqrt(len(ll))),
                sigma=float(sigmas[best]),
                validation={f"{s:.4f}": float(v) for s, v in zip(sigmas, val)})
