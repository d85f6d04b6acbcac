"""Maxout units (Goodfellow et al. 2013): h_j = max_k (x W_{:, j, k} + b_{j, k}), the discriminator
nonlinearity of the adversarial-nets paper's code (goodfeli/adversarial) and of PacGAN's toy
experiments (Blocks' LinearMaxout: one affine map to units * pieces values, then the max over each
unit's `pieces` consecutive values)."""
import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="zoo")
class Maxout(layers.Layer):
    """[..., d] -> [..., units]: the max over `pieces` affine functions of the input per unit."""

    def __init__(self, units, pieces, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if int(units) < 1 or int(pieces) < 1:
            raise ValueError(f"maxout needs units >= 1 and pieces >= 1, got units={units}, pieces={pieces}")
        self.units = int(units)
        self.pieces = int(pieces)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units * self.pieces),
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=(self.units * self.pieces,), initializer="zeros")

    def call(self, x):
        h = ops.matmul(x, self.kernel) + self.bias
        h = ops.reshape(h, (*ops.shape(h)[:-1], self.units, self.pieces))
        return ops.max(h, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "pieces": self.pieces,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}
