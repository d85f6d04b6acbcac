"""2-D toy mixtures of the mode-collapse literature, generated in code (no download).

`ring` and `grid` follow the PacGAN protocol (Lin et al. 2018, Sec. 5.1) exactly:
ring = 8 gaussians evenly spaced on a circle of radius 1, std 0.01;
grid = 25 gaussians centred on {-4, -2, 0, 2, 4}^2, std 0.05.
`swissroll` follows the WGAN-GP toy code: sklearn's 2-D swiss roll (noise 0.25) divided by 7.5.
`ring_unit` and `grid_unit` are ring and grid scaled to unit standard deviation per coordinate,
the WGAN-GP toy code's data to within 0.04% (its 8 gaussians: radius 2, std 0.02, divided by 1.414;
its 25: spacing 2, std 0.05, divided by 2.828; here the divisors are computed: 0.70718 of radius 1,
2.8289). The mode metrics measure distances in units of the components' std, so they read the same
on a mixture and on its unit version.
"""
import math

import numpy as np
import tensorflow as tf


def ring_centres():
    angles = 2 * math.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)


def grid_centres():
    g = np.array([-4.0, -2.0, 0.0, 2.0, 4.0], np.float32)
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1).reshape(-1, 2)


def unit(centres, std):
    """(centres, std) of the mixture scaled to unit standard deviation per coordinate (centres of
    mean 0, equally likely)."""
    s = math.sqrt(float(np.mean(np.square(centres))) + std ** 2)
    return (centres / s).astype(np.float32), std / s


# name -> (mode centres or None, per-coordinate std of each mode)
MIXTURES = {
    "ring": (ring_centres(), 0.01),
    "grid": (grid_centres(), 0.05),
    "swissroll": (None, 0.25 / 7.5),
}
MIXTURES.update({f"{name}_unit": unit(*MIXTURES[name]) for name in ("ring", "grid")})


def sample(name, n, key):
    """n samples of mixture `name` as a [n, 2] float32 tensor, a pure function of the stateless `key`."""
    centres, std = MIXTURES[name]
    k1, k2 = tf.unstack(tf.random.experimental.stateless_split(key, 2))
    noise = std * tf.random.stateless_normal([n, 2], seed=k1)
    if centres is None:  # swiss roll: t ~ 1.5 pi (1 + 2u), point (t cos t, t sin t) / 7.5
        t = 1.5 * math.pi * (1.0 + 2.0 * tf.random.stateless_uniform([n], seed=k2))
        return tf.stack([t * tf.cos(t), t * tf.sin(t)], axis=1) / 7.5 + noise
    idx = tf.random.stateless_uniform([n], seed=k2, maxval=len(centres), dtype=tf.int32)
    return tf.gather(tf.constant(centres), idx) + noise


def dataset(name, batch_size, seed, group=1, start=0):
    """Infinite dataset of batches [batch_size, group, 2] (or [batch_size, 2] when group is 1).

    Batch i is a pure function of (seed, i), so a run that resumes at batch `start` sees exactly
    the batches an uninterrupted run would have seen.
    """
    base = tf.constant([seed, 0x70E], tf.int64)

    def make(i):
        x = sample(name, batch_size * group, tf.random.experimental.stateless_fold_in(base, i))
        return tf.reshape(x, [batch_size, group, 2]) if group > 1 else x

    return tf.data.Dataset.counter(start).map(make).prefetch(tf.data.AUTOTUNE)
