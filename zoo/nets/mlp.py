"""Fully connected generators and discriminators (toy mixtures, permutation-invariant images)."""
import math

import keras
from keras import layers


def _trunk(h, widths, activation, layer_norm):
    for w in widths:
        h = layers.Dense(w)(h)
        if layer_norm:
            h = layers.LayerNormalization()(h)
        h = layers.Activation(activation)(h)
    return h


def generator(latent_dim, data_shape, widths=(400, 400, 400, 400), activation="relu",
              layer_norm=False, output_activation=None, name="generator"):
    """z [B, latent_dim] -> x [B, *data_shape]; linear output unless `output_activation` is set."""
    z = keras.Input((latent_dim,), name="z")
    h = _trunk(z, widths, activation, layer_norm)
    h = layers.Dense(math.prod(data_shape), activation=output_activation)(h)
    if len(data_shape) > 1:
        h = layers.Reshape(data_shape)(h)
    return keras.Model(z, h, name=name)


def discriminator(data_shape, widths=(400, 400, 400, 400), activation="leaky_relu",
                  layer_norm=False, name="discriminator"):
    """x [B, *data_shape] -> one unconstrained score (logit or critic value) per example, [B, 1]."""
    x = keras.Input(tuple(data_shape), name="x")
    h = layers.Flatten()(x) if len(data_shape) > 1 else x
    h = _trunk(h, widths, activation, layer_norm)
    return keras.Model(x, layers.Dense(1)(h), name=name)
