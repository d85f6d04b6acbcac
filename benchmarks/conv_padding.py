"""Does the padding of the MNIST DCGAN critic's big convolution change its speed in TensorFlow?

    python -m benchmarks.conv_padding [--precisions=bfloat16,float32] [--reps=5]

Keras's "same" pads D's second convolution 1 before and 2 after, the PyTorch twin 2 and 2; "tf.pad 2/2 +
valid" is what a ZeroPadding2D layer before the convolution gives.
"""

from absl import flags

from benchmarks import cli, report
from benchmarks.timing import best_of
from train import runtime

runtime.quiet()
flags.DEFINE_list("precisions", ["bfloat16", "float32"], "Compute dtypes.")
flags.DEFINE_integer("reps", 5, "Timed calls per variant (the best counts).")
FLAGS = flags.FLAGS
PADDINGS = ("same", "explicit 2/2", "tf.pad 2/2 + valid")


def ms_per_conv(dtype, padding):
    import tensorflow as tf

    x = tf.cast(tf.random.stateless_normal([64, 14, 14, 64], seed=[0, 1]), dtype)
    w = tf.Variable(tf.random.stateless_normal([5, 5, 64, 128], seed=[0, 2]) * 0.02)
    pads = [[0, 0], [2, 2], [2, 2], [0, 0]]

    @tf.function
    def block(x):
        total = 0.0
        for i in range(10):
            xi = x + tf.cast(i, dtype)  # a distinct input each time: nothing is computed once for all
            with tf.GradientTape() as tape:
                tape.watch(xi)
                kernel = tf.cast(w, dtype)
                if padding == "same":
                    y = tf.nn.conv2d(xi, kernel, 2, "SAME")
                elif padding == "explicit 2/2":
                    y = tf.nn.conv2d(xi, kernel, 2, pads)
                else:
                    y = tf.nn.conv2d(tf.pad(xi, pads), kernel, 2, "VALID")
                loss = tf.reduce_sum(tf.square(tf.cast(y, tf.float32)))
            gx, gw = tape.gradient(loss, [xi, w])
            total += tf.reduce_sum(tf.cast(gx, tf.float32)) + tf.reduce_sum(gw)
        return total

    return 1e3 * best_of(lambda: block(x).numpy(), FLAGS.reps) / 10


def main(argv):
    report.append("conv_padding", [dict(precision=dtype, padding=padding, ms=ms_per_conv(dtype, padding))
                                   for dtype in FLAGS.precisions for padding in PADDINGS])
    print(report.render("conv_padding"))


if __name__ == "__main__":
    cli.run(main)
