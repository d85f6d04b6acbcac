"""WGAN weight clipping: every critic weight within [-c, c] after every step."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import fit, toy_gan

C = 0.01


class AssertClipped(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.checked = 0

    def on_train_batch_end(self, batch, logs=None):
        for w in self.model.discriminator.get_weights():
            assert np.abs(w).max() <= C + 1e-7  # clipping is exact (to float32(C) < C); 1e-7 is slack only
        self.checked += 1


@pytest.mark.parametrize("where", ["one_device", "mirrored"])
def test_critic_weights_stay_clipped(where, mirrored):
    strategy = mirrored if where == "mirrored" else tf.distribute.get_strategy()
    model = toy_gan(strategy, objective="wasserstein", n_critic=5, clip_value=C, optimizer="rmsprop")
    check = AssertClipped()
    fit(model, 5, callbacks=[check])
    assert check.checked == 5
    # clipping must bind: the initial weights are far larger than c (float32(c) is c to 2e-8 relative)
    assert max(np.abs(w).max() for w in model.discriminator.get_weights()) == pytest.approx(C)
