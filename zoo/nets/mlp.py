"""Fully connected networks (toy data, permutation-invariant images)."""
import math

import keras
from keras import layers


def _trunk(h, widths, activation, layer_norm, batch_norm=False):
    for w in widths:
        h = layers.Dense(w, use_bias=not batch_norm)(h)
        if batch_norm:
            h = layers.BatchNormalization()(h)
        if layer_norm:
            h = layers.LayerNormalization()(h)
        h = layers.Activation(activation)(h)
    return h


def _flat_input(data_shape, name="x"):
    x = keras.Input(tuple(data_shape), name=name)
    return x, (layers.Flatten()(x) if len(data_shape) > 1 else x)


def generator(latent_dim, data_shape, widths=(400, 400, 400, 400), activation="relu",
              layer_norm=False, batch_norm=False, output_activation=None, name="generator"):
    """z [B, latent_dim] -> x [B, *data_shape]; linear output unless `output_activation` is set.

    `batch_norm` normalises every hidden layer per replica (Keras's default BatchNormalization)."""
    z = keras.Input((latent_dim,), name="z")
    h = _trunk(z, widths, activation, layer_norm, batch_norm)
    h = layers.Dense(math.prod(data_shape), activation=output_activation)(h)
    if len(data_shape) > 1:
        h = layers.Reshape(data_shape)(h)
    return keras.Model(z, h, name=name)


def discriminator(data_shape, widths=(400, 400, 400, 400), activation="leaky_relu",
                  layer_norm=False, name="discriminator"):
    """x [B, *data_shape] -> one unconstrained score (logit or critic value) per example, [B, 1]."""
    x, h = _flat_input(data_shape)
    h = _trunk(h, widths, activation, layer_norm)
    return keras.Model(x, layers.Dense(1)(h), name=name)


def encoder(data_shape, code_dim, noise_dim=0, widths=(400, 400), activation="leaky_relu",
            layer_norm=False, batch_norm=False, name="encoder"):
    """x [B, *data_shape] (and eps [B, noise_dim]) -> a linear code [B, code_dim].

    The noise is concatenated to the flattened input, so every hidden layer shapes q(z|x)."""
    x, h = _flat_input(data_shape)
    inputs = x
    if noise_dim:
        eps = keras.Input((noise_dim,), name="eps")
        inputs = [x, eps]
        h = layers.Concatenate()([h, eps])
    h = _trunk(h, widths, activation, layer_norm, batch_norm)
    return keras.Model(inputs, layers.Dense(code_dim)(h), name=name)


def joint_discriminator(data_shape, latent_dim, widths=(400, 400), activation="leaky_relu",
                        layer_norm=False, name="joint_discriminator"):
    """(x [B, *data_shape], z [B, latent_dim]) -> one score [B, 1], on the concatenation [x, z]."""
    x, h = _flat_input(data_shape)
    z = keras.Input((latent_dim,), name="z")
    h = _trunk(layers.Concatenate()([h, z]), widths, activation, layer_norm)
    return keras.Model([x, z], layers.Dense(1)(h), name=name)
