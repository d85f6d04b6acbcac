"""BiGAN / ALI: the losses by hand and the stochastic encoder."""
import math

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import encoder_model, fit_encoder_model
from zoo.models.bigan import bigan_losses


def sp(v):
    return math.log1p(math.exp(v))


@pytest.mark.parametrize("loss", ["non_saturating", "minimax"])
def test_losses_by_hand(loss):
    d_vec, ge_vec = bigan_losses(tf.constant([2.0]), tf.constant([-1.0]), loss)
    # float32: two softplus terms of one sign (a few ulps each) and their sum: ~5 u = 3e-7 relative
    d = sp(-2.0) + sp(-1.0)  # -log s(2) - log(1 - s(-1))
    assert float(d_vec[0]) == pytest.approx(d, rel=1e-6)
    want = sp(2.0) + sp(1.0) if loss == "non_saturating" else -d  # labels swapped / the negative
    assert float(ge_vec[0]) == pytest.approx(want, rel=1e-6)


def test_one_step_logs_the_losses_of_a_constant_discriminator():
    model = encoder_model("bigan", tf.distribute.get_strategy())
    last = model.discriminator.layers[-1]
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])  # D = 0 everywhere
    model.d_optimizer.learning_rate = 0.0  # and stays 0 for the G/E update
    h = fit_encoder_model(model, "bigan", 1)
    # float32 log 2 per example, averaged over 64 equal ones: <= 64 roundings at worst, 3.8e-6 relative
    assert h["d_loss"][0] == pytest.approx(2 * math.log(2), rel=1e-5)
    assert h["ge_loss"][0] == pytest.approx(2 * math.log(2), rel=1e-5)


def test_ali_encodes_the_mean_and_trains_with_samples():
    model = encoder_model("ali", tf.distribute.get_strategy())
    x = tf.random.normal([5, 2])
    mu, logvar = tf.split(model.encoder(x), 2, axis=-1)
    # the same kernels on the same batch, op determinism on: bit-identical (measured 0.0); 1e-6 is 16 ulps
    # of |mu| <= 1, room for a fusion that rounds once more
    np.testing.assert_allclose(model.encode(x), mu, atol=1e-6)
    code = model._code(x, tf.ones([5, 2]), training=False)
    # the same float32 ops (an exp and an add: a few ulps) on codes of 0.5 to 2: 1e-5 is ~100 ulps
    np.testing.assert_allclose(code, mu + tf.exp(0.5 * logvar), rtol=1e-5)


def test_l2_decay_adds_l2_w_to_the_kernels_gradients_only():
    """With SGD (rate r) and a loss whose gradient is 0, one update moves every kernel w by -r l2 w
    and leaves the biases; l2 = 0 moves nothing."""
    for l2 in (0.0, 0.5):
        model = encoder_model("bigan", tf.distribute.get_strategy(), l2=l2)
        variables = model.optimized_variables("d_optimizer")
        before = [v.numpy() for v in variables]
        with tf.GradientTape() as tape:
            loss = 0.0 * tf.add_n([tf.reduce_sum(v) for v in variables])
        model._apply("d_optimizer", tape, loss)
        rate = float(model.d_optimizer.learning_rate)
        kernels = [v.path.endswith("kernel") for v in variables]
        assert sum(kernels) == 3 and len(variables) == 6
        for v, old, kernel in zip(variables, before, kernels):
            # one multiply-add in float32: a few ulps of w
            np.testing.assert_allclose(v.numpy(), old * (1 - rate * l2) if kernel else old, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="l2 \\(the weight decay\\) must be a number >= 0"):
        encoder_model("bigan", tf.distribute.get_strategy(), l2=-1.0)
