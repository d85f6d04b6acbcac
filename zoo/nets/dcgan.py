"""DCGAN networks (Radford et al. 2016) for 28x28x1, 32x32x3 and 64x64x3 images.

Generator: dense projection to a 7x7 (28x28 output) or 4x4 map, stride-2 5x5 transposed convs that
halve the channels, tanh output in [-1, 1]. Discriminator: stride-2 5x5 convs with LeakyReLU(0.2)
that double the channels, no normalisation on the first layer, one linear output.

Normalisation (`norm`): "batch" (the paper's), "layer" (for critics trained with a gradient
penalty, whose per-example gradient batch norm would break), or "none".
Batch norm here is Keras's default, NOT synchronized: under a tf.distribute strategy each replica
normalises with its own slice of the batch, as in most multi-GPU DCGAN code, so a 2-replica run
is not the same model as a 1-device run with the same global batch. The parity tests therefore use
BN-free networks; the MNIST configs use batch norm in the generator and, except for WGAN-GP (layer
norm), in the discriminator.

Why not `BatchNormalization(synchronized=True)`, measured on TF 2.21 / Keras 3.15 with 2 logical
CPU devices: (1) the "Shape mismatch in the collective instance" failure seen with it comes from
creating a second MirroredStrategy in the same process, not from batch norm: with one strategy it
trains. (2) But it does not restore parity: on a small DCGAN, one SGD step on 1 device and on 2
replicas differs by 3.8e-2 in the weights although the forward batch statistics agree (moving
means equal to 4e-11), so the backward pass through the synchronized moments differs. Until that
is understood the zoo does not offer it.
"""
import keras
from keras import layers

# image side -> (side of the first feature map, number of stride-2 upsamplings)
_LAYOUT = {28: (7, 2), 32: (4, 3), 64: (4, 4)}


def _layout(data_shape):
    side = data_shape[0]
    if side not in _LAYOUT or data_shape[1] != side:
        raise ValueError(f"dcgan nets take square 28, 32 or 64 pixel images, not {tuple(data_shape)}")
    return _LAYOUT[side]


def _norm(kind, name=None):
    if kind == "batch":
        return layers.BatchNormalization(name=name)
    if kind == "layer":
        return layers.LayerNormalization(axis=[1, 2, 3], name=name)
    if kind == "none":
        return layers.Identity(name=name)
    raise ValueError(f"dcgan norm must be 'batch', 'layer' or 'none', not {kind!r}")


def generator(latent_dim, data_shape, width=64, norm="batch", name="generator"):
    """z [B, latent_dim] -> image [B, H, W, C] in [-1, 1]."""
    start, ups = _layout(data_shape)
    channels = width * 2 ** (ups - 1)
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(start * start * channels, use_bias=norm == "none")(z)
    h = layers.Reshape((start, start, channels))(h)
    h = layers.ReLU()(_norm(norm)(h))
    for _ in range(ups - 1):
        channels //= 2
        h = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", use_bias=norm == "none")(h)
        h = layers.ReLU()(_norm(norm)(h))
    h = layers.Conv2DTranspose(data_shape[-1], 5, strides=2, padding="same", activation="tanh")(h)
    return keras.Model(z, h, name=name)


def _conv_trunk(x, data_shape, width, norm):
    _, ups = _layout(data_shape)
    h = layers.Conv2D(width, 5, strides=2, padding="same")(x)
    h = layers.LeakyReLU(0.2)(h)
    for i in range(1, ups):
        h = layers.Conv2D(width * 2 ** i, 5, strides=2, padding="same", use_bias=norm == "none")(h)
        h = layers.LeakyReLU(0.2)(_norm(norm)(h))
    return layers.Flatten()(h)


def discriminator(data_shape, width=64, norm="batch", name="discriminator"):
    """image [B, H, W, C] -> one unconstrained score per example, [B, 1]."""
    x = keras.Input(tuple(data_shape), name="x")
    return keras.Model(x, layers.Dense(1)(_conv_trunk(x, data_shape, width, norm)), name=name)


def encoder(data_shape, code_dim, noise_dim=0, width=64, norm="batch", hidden=512, name="encoder"):
    """image [B, H, W, C] (and eps [B, noise_dim]) -> a linear code [B, code_dim]: the
    discriminator's conv trunk, then (with noise) the features and eps through a `hidden`-unit
    LeakyReLU layer so the noise acts non-linearly."""
    x = keras.Input(tuple(data_shape), name="x")
    h = _conv_trunk(x, data_shape, width, norm)
    inputs = x
    if noise_dim:
        eps = keras.Input((noise_dim,), name="eps")
        inputs = [x, eps]
        h = layers.LeakyReLU(0.2)(layers.Dense(hidden)(layers.Concatenate()([h, eps])))
    return keras.Model(inputs, layers.Dense(code_dim)(h), name=name)


def joint_discriminator(data_shape, latent_dim, width=64, norm="batch", hidden=512,
                        name="joint_discriminator"):
    """(image, z) -> one score [B, 1]: the conv trunk on x and a `hidden`-unit layer on z, joined
    by a `2 hidden`-unit LeakyReLU layer (BiGAN/ALI's joint discriminator)."""
    x = keras.Input(tuple(data_shape), name="x")
    z = keras.Input((latent_dim,), name="z")
    hz = layers.LeakyReLU(0.2)(layers.Dense(hidden)(z))
    h = layers.Concatenate()([_conv_trunk(x, data_shape, width, norm), hz])
    h = layers.LeakyReLU(0.2)(layers.Dense(2 * hidden)(h))
    return keras.Model([x, z], layers.Dense(1)(h), name=name)
