"""Fully connected networks (toy data, permutation-invariant images)."""
import math

import keras
from keras import layers

from zoo.errors import is_number
from zoo.nets.maxout import Maxout


def _kernel(init_std, init="glorot_uniform"):
    """The Keras initializer `init` (default Glorot uniform) or, with `init_std`, N(0, init_std^2)
    weights (DCGAN's and PacGAN's 0.02)."""
    return init if init_std is None else keras.initializers.RandomNormal(stddev=float(init_std))


def _batch_norm(enabled, epsilon, momentum):
    """Keras's BatchNormalization options (None unless `enabled`), checked either way: `epsilon` > 0
    is added to the batch variance, `momentum` in [0, 1) is the share of the old population
    statistics kept at each training step (PacGAN's Blocks code: new = 0.95 old + 0.05 batch, i.e.
    momentum 0.95)."""
    if not (is_number(epsilon) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"batch_norm_epsilon must be a positive number, not {epsilon!r}")
    if not (is_number(momentum) and 0 <= momentum < 1):
        raise ValueError(f"batch_norm_momentum must be a number in [0, 1), not {momentum!r}")
    return dict(epsilon=float(epsilon), momentum=float(momentum)) if enabled else None


def _trunk(h, widths, activation, layer_norm, batch_norm=None, pieces=5, init_std=None, init="glorot_uniform"):
    """Hidden layers of `widths`; activation "maxout" makes each a Maxout layer of `pieces` pieces;
    their kernels start from `init` (a Keras initializer name) unless `init_std` is given;
    `batch_norm` (None or BatchNormalization's options) normalises each, without biases before it."""
    for w in widths:
        if activation == "maxout":
            h = Maxout(w, pieces, kernel_initializer=_kernel(init_std, init))(h)
        else:
            h = layers.Dense(w, use_bias=batch_norm is None, kernel_initializer=_kernel(init_std, init))(h)
        if batch_norm is not None:
            h = layers.BatchNormalization(**batch_norm)(h)
        if layer_norm:
            h = layers.LayerNormalization()(h)
        if activation != "maxout":
            h = layers.Activation(activation)(h)
    return h


def flat_input(data_shape, name="x"):
    """The input x [B, *data_shape] and its flattened view [B, prod(data_shape)] (zoo.nets.bigan_mlp too)."""
    x = keras.Input(tuple(data_shape), name=name)
    return x, (layers.Flatten()(x) if len(data_shape) > 1 else x)


def generator(latent_dim, data_shape, widths=(400, 400, 400, 400), activation="relu",
              layer_norm=False, batch_norm=False, output_activation=None, init_std=None, init="glorot_uniform",
              batch_norm_epsilon=1e-3, batch_norm_momentum=0.99, name="generator"):
    """z [B, latent_dim] -> x [B, *data_shape]; linear output unless `output_activation` is set.

    `batch_norm` normalises every hidden layer per replica (Keras's BatchNormalization, with Keras's
    default `batch_norm_epsilon` 1e-3 and `batch_norm_momentum` 0.99 unless given; PacGAN's Blocks
    code has 1e-4 and 0.95; the hidden layers then have no biases, as in PacGAN's toy generator);
    `init_std` draws every kernel from N(0, init_std^2) instead of Glorot uniform; `init` names the
    hidden layers' Keras initializer otherwise (WGAN-GP's toy code: "he_uniform")."""
    z = keras.Input((latent_dim,), name="z")
    bn = _batch_norm(batch_norm, batch_norm_epsilon, batch_norm_momentum)
    h = _trunk(z, widths, activation, layer_norm, bn, init_std=init_std, init=init)
    h = layers.Dense(math.prod(data_shape), activation=output_activation, kernel_initializer=_kernel(init_std))(h)
    if len(data_shape) > 1:
        h = layers.Reshape(data_shape)(h)
    return keras.Model(z, h, name=name)


def discriminator(data_shape, widths=(400, 400, 400, 400), activation="leaky_relu",
                  layer_norm=False, pieces=5, init_std=None, init="glorot_uniform", name="discriminator"):
    """x [B, *data_shape] -> one unconstrained score (logit or critic value) per example, [B, 1].

    activation="maxout" makes every hidden layer a Maxout of `pieces` pieces (zoo.nets.maxout;
    PacGAN's toy discriminator: 3 x maxout(200, 5)); `init_std` and `init` as in `generator`."""
    x, h = flat_input(data_shape)
    h = _trunk(h, widths, activation, layer_norm, pieces=pieces, init_std=init_std, init=init)
    return keras.Model(x, layers.Dense(1, kernel_initializer=_kernel(init_std))(h), name=name)


def encoder(data_shape, code_dim, noise_dim=0, widths=(400, 400), activation="leaky_relu",
            layer_norm=False, batch_norm=False, batch_norm_epsilon=1e-3, batch_norm_momentum=0.99,
            name="encoder"):
    """x [B, *data_shape] (and eps [B, noise_dim]) -> a linear code [B, code_dim].

    The noise is concatenated to the flattened input, so every hidden layer shapes q(z|x);
    `batch_norm` and its options as in `generator`."""
    x, h = flat_input(data_shape)
    inputs = x
    if noise_dim:
        eps = keras.Input((noise_dim,), name="eps")
        inputs = [x, eps]
        h = layers.Concatenate()([h, eps])
    bn = _batch_norm(batch_norm, batch_norm_epsilon, batch_norm_momentum)
    h = _trunk(h, widths, activation, layer_norm, bn)
    return keras.Model(inputs, layers.Dense(code_dim)(h), name=name)


def joint_discriminator(data_shape, latent_dim, widths=(400, 400), activation="leaky_relu",
                        layer_norm=False, name="joint_discriminator"):
    """(x [B, *data_shape], z [B, latent_dim]) -> one score [B, 1], on the concatenation [x, z]."""
    x, h = flat_input(data_shape)
    z = keras.Input((latent_dim,), name="z")
    h = _trunk(layers.Concatenate()([h, z]), widths, activation, layer_norm)
    return keras.Model([x, z], layers.Dense(1)(h), name=name)
