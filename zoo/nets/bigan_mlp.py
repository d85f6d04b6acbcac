"""The official BiGAN's permutation-invariant MNIST networks (jeffdonahue/bigan, net.py:
deconvnet_mnist_mlp and the mnist_mlp featurizer, run with --nogain --nobias as train_mnist.sh does).

What sets them apart from zoo.nets.mlp:
- no biases anywhere (the official FC layers have none), and batch norm that only normalises (no
  learned gain or offset);
- every kernel drawn from N(0, 0.02^2);
- the latent code conditions the SECOND hidden layer, not the input: G's second layer is
  ReLU(BN(W h1 + C z)) and D's is LeakyReLU(BN(W h1 + C z)) (net.py apply_cond), so D sees x alone
  in its first layer and (x, z) only through h1 and the projection C z;
- the first hidden layer of D and E has no batch norm;
- the official pixels are in [0, 1]: D and E map the zoo's [-1, 1] to them first ((x + 1) / 2; with
  no biases the offset matters), and G's sigmoid output on [0, 1] is mapped back (2 s - 1).
Batch norm keeps Keras's epsilon (1e-3; the official 1e-8) and moving averages (the official code
re-estimates the statistics over 1,000 batches before evaluating).
"""
import math

import keras
from keras import layers

from zoo.nets import mlp

INIT_STD = 0.02


def _dense(units, name=None):
    return layers.Dense(units, use_bias=False, name=name,
                        kernel_initializer=keras.initializers.RandomNormal(stddev=INIT_STD))


def _norm(h):
    return layers.BatchNormalization(center=False, scale=False)(h)


def _flat_input(data_shape):
    """x in [-1, 1] as the official code's flat pixels in [0, 1]."""
    x, h = mlp.flat_input(data_shape)
    return x, layers.Rescaling(0.5, offset=0.5)(h)


def generator(latent_dim, data_shape, width=1024, name="generator"):
    """z -> x: ReLU(BN(W1 z)), ReLU(BN(W2 h1 + C z)), sigmoid(W3 h2) on [0, 1] as the official
    generator, mapped to the zoo's [-1, 1]."""
    z = keras.Input((latent_dim,), name="z")
    h = layers.Activation("relu")(_norm(_dense(width)(z)))
    h = layers.Add()([_dense(width)(h), _dense(width, name="z_projection")(z)])
    h = layers.Activation("relu")(_norm(h))
    h = layers.Activation("sigmoid")(_dense(math.prod(data_shape))(h))
    h = layers.Rescaling(2.0, offset=-1.0)(h)
    if len(data_shape) > 1:
        h = layers.Reshape(data_shape)(h)
    return keras.Model(z, h, name=name)


def encoder(data_shape, code_dim, noise_dim=0, width=1024, name="encoder"):
    """x -> a linear code: LeakyReLU(W1 x), LeakyReLU(BN(W2 h1)), W3 h2 (the official encoder's
    logits; the BiGAN model's `squash` maps them onto the uniform prior's support)."""
    if noise_dim:
        raise ValueError("the bigan_mlp encoder takes no noise input (noise_dim must be 0)")
    x, h = _flat_input(data_shape)
    h = layers.LeakyReLU(0.2)(_dense(width)(h))
    h = layers.LeakyReLU(0.2)(_norm(_dense(width)(h)))
    return keras.Model(x, _dense(code_dim)(h), name=name)


def joint_discriminator(data_shape, latent_dim, width=1024, name="joint_discriminator"):
    """(x, z) -> one logit: LeakyReLU(W1 x), LeakyReLU(BN(W2 h1 + C z)), w h2."""
    x, h = _flat_input(data_shape)
    z = keras.Input((latent_dim,), name="z")
    h = layers.LeakyReLU(0.2)(_dense(width)(h))
    h = layers.Add()([_dense(width)(h), _dense(width, name="z_projection")(z)])
    h = layers.LeakyReLU(0.2)(_norm(h))
    return keras.Model([x, z], _dense(1)(h), name=name)
