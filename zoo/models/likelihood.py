"""Decoder likelihoods p(x|z) for the VAE and AVB: the decoder network's output `out` is the
Bernoulli logits or the Gaussian mean of every data coordinate.

Binary data are coded -1 / +1 (zoo.data): Bernoulli(sigmoid(l)) gives x = +1 with probability
sigmoid(l), so log p(x|l) = -softplus(-x l) for x in {-1, +1}. The Gaussian has a fixed
per-coordinate standard deviation `std`.
"""
import math

import tensorflow as tf

KINDS = ("bernoulli", "gaussian")


def check(kind):
    if kind not in KINDS:
        raise ValueError(f"unknown likelihood {kind!r}; choose one of: {', '.join(KINDS)}")


def log_likelihood(kind, x, out, std=1.0):
    """log p(x | decoder output) per example, summed over the data coordinates: [B]."""
    x = tf.reshape(x, [tf.shape(x)[0], -1])
    out = tf.reshape(out, [tf.shape(out)[0], -1])
    if kind == "bernoulli":
        return -tf.reduce_sum(tf.nn.softplus(-x * out), axis=1)
    d = tf.cast(tf.shape(x)[1], tf.float32)
    return -0.5 * tf.reduce_sum(tf.square((x - out) / std), axis=1) - d * math.log(std * math.sqrt(2 * math.pi))


def mean(kind, out):
    """E[x | decoder output] in the data's value range: 2 sigmoid(l) - 1 for the -1/+1 Bernoulli."""
    return 2.0 * tf.sigmoid(out) - 1.0 if kind == "bernoulli" else out


class Decoder:
    """What the VAE and AVB share: a `decoder` network z -> output and its likelihood p(x|z).

    The model calls `_setup_decoder` in `__init__`, and adds `decoder_config()` to its config.
    """

    def _setup_decoder(self, decoder, likelihood, likelihood_std):
        check(likelihood)
        self.decoder = decoder
        self.likelihood = likelihood
        self.likelihood_std = float(likelihood_std)

    @property
    def generator(self):
        """The decoder network (the export path calls every model's z -> x network `generator`)."""
        return self.decoder

    def generate(self, z):
        """E[x|z] in the data's value range."""
        return mean(self.likelihood, self.decoder(z, training=False))

    def log_likelihood(self, x, z, training=False):
        """log p(x|z) per example: [B]."""
        return log_likelihood(self.likelihood, x, self.decoder(z, training=training), self.likelihood_std)

    def decoder_config(self):
        return dict(likelihood=self.likelihood, likelihood_std=self.likelihood_std)


def log_normal(z, loc=0.0, log_scale=0.0):
    """log N(z; loc, exp(log_scale)^2) summed over the last axis."""
    u = (z - loc) * tf.exp(-log_scale)
    return tf.reduce_sum(-0.5 * tf.square(u) - log_scale - 0.5 * math.log(2 * math.pi), axis=-1)


def gaussian_kl(mu, logvar):
    """KL(N(mu, exp(logvar)) || N(0, I)) per example (Kingma & Welling 2014, Appendix B): [B]."""
    return 0.5 * tf.reduce_sum(tf.square(mu) + tf.exp(logvar) - 1.0 - logvar, axis=-1)


def prior_marginal(decoder, kind, std, x, n, seed, block=10_000):
    """log p(x) = log E_{z ~ N(0, I)} p(x|z) by plain Monte Carlo with n prior draws, for each row of
    x [K, D] (small K: the 4-point problem). Unbiased in p(x), fine in a 2-d latent space; useless
    in high dimension (use the IWAE bound there)."""
    latent_dim = decoder.inputs[0].shape[-1]
    parts = []
    for i in range(0, n, block):
        z = tf.random.stateless_normal([min(block, n - i), latent_dim], seed=[seed, i])
        out = decoder(z, training=False)  # [m, D]
        rows = [log_likelihood(kind, tf.broadcast_to(xk, tf.shape(out)), out, std) for xk in tf.unstack(x)]
        parts.append(tf.stack(rows))  # [K, m]
    return tf.reduce_logsumexp(tf.concat(parts, axis=1), axis=1) - math.log(n)
