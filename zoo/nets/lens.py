"""The lens of Tempered Adversarial Networks (Sajjadi et al. 2018): L(x) = x + f(x), same shape as x.

Images [H, W, C]: the paper's network, stride 1 throughout: a 3x3 conv to `width` channels with
LeakyReLU, `depth` residual blocks (h + conv3x3(LeakyReLU(conv3x3(h))), `width` channels), a final
3x3 conv back to C channels (zero-initialised, so L starts as the identity), and a global skip from
the input to the output. Defaults: the paper's 32 channels and 8 blocks.
Vectors [D] (toy data): the same structure with dense layers of `width` units.

The output is not squashed: the lens may move data outside [-1, 1], as the paper's lens may.
The nets carry no normalisation, so a lens computes the same thing on one device and under a
strategy.
"""
import keras
from keras import layers


def _block(h, width, conv):
    r = conv(width)(layers.LeakyReLU(0.2)(conv(width)(h)))
    return layers.Add()([h, r])


def lens(data_shape, width=32, depth=8, name="lens"):
    """x [B, *data_shape] -> L(x) [B, *data_shape] (conv lens for images, dense lens for vectors)."""
    data_shape = tuple(int(d) for d in data_shape)
    if len(data_shape) == 3:
        def conv(units, **options):
            return layers.Conv2D(units, 3, padding="same", **options)
    elif len(data_shape) == 1:
        def conv(units, **options):
            return layers.Dense(units, **options)
    else:
        raise ValueError(f"a lens takes images [H, W, C] or vectors [D], not shape {data_shape}")
    if int(width) < 1 or int(depth) < 0:
        raise ValueError(f"a lens needs width >= 1 and depth >= 0, not width={width}, depth={depth}")
    x = keras.Input(data_shape, name="x")
    h = layers.LeakyReLU(0.2)(conv(int(width))(x))
    for _ in range(int(depth)):
        h = _block(h, int(width), conv)
    # the global skip, L = identity + f, with f's last layer zero-initialised: the lens starts AT the
    # identity and distorts only as far as its adversarial term pushes it (a random last layer started
    # it 0.25 RMS per pixel away, a distortion that merely decayed)
    f = conv(data_shape[-1], kernel_initializer="zeros", bias_initializer="zeros")(h)
    out = layers.Add()([x, f])
    return keras.Model(x, out, name=name)
