"""Packing (PacGAN, Lin et al. 2018): the critic judges m samples at once, all real or all generated,
concatenated along their last axis (the coordinates of 2-D points, PacGAN's `tensor.concatenate(...,
axis=1)`; the channels of images). A generator that drops modes makes packs whose members are too
alike, which a packed critic can see and a one-sample critic cannot."""
import tensorflow as tf


def packed_shape(data_shape, m):
    """The shape of one pack of m examples of `data_shape`: the last axis m times longer."""
    data_shape = tuple(int(d) for d in data_shape)
    return data_shape[:-1] + (data_shape[-1] * int(m),)


def pack(x, m):
    """[B, *shape] -> [B / m, *packed_shape(shape, m)]: examples m i .. m i + m - 1 form pack i,
    example m i + j filling slice j of the last axis. B must be a multiple of m."""
    if m == 1:
        return x
    rank = x.shape.rank
    shape = tf.shape(x)
    tf.debugging.assert_equal(shape[0] % m, 0, message=f"a packed critic (pac={m}) needs a batch that is a multiple of {m}")
    grouped = tf.reshape(x, tf.concat([[-1, m], shape[1:]], 0))  # [B/m, m, *shape]
    # move the pack axis next to the last axis: [B/m, *shape[:-1], m, shape[-1]]
    grouped = tf.transpose(grouped, [0] + list(range(2, rank)) + [1, rank])
    return tf.reshape(grouped, tf.concat([[-1], shape[1:-1], [m * shape[-1]]], 0))
