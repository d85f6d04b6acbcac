"""Each objective's per-example losses against closed forms."""
import math

import numpy as np
import pytest
import tensorflow as tf

from zoo.objectives import OBJECTIVES

LOG2 = math.log(2.0)
REAL = tf.constant([0.0, 2.0, -1.0])
FAKE = tf.constant([0.0, -3.0, 1.5])


def sp(x):  # softplus in float64
    return np.log1p(np.exp(x))


@pytest.mark.parametrize("name, d_expected, g_expected", [
    # D = sigmoid(logit): -log D(x) - log(1 - D(G(z))) = softplus(-r) + softplus(f); at 0: 2 log 2
    ("minimax", [2 * LOG2, sp(-2.0) + sp(-3.0), sp(1.0) + sp(1.5)], [-LOG2, -sp(-3.0), -sp(1.5)]),
    ("non_saturating", [2 * LOG2, sp(-2.0) + sp(-3.0), sp(1.0) + sp(1.5)], [LOG2, sp(3.0), sp(-1.5)]),
    ("least_squares", [0.5, 0.5 * 1 + 0.5 * 9, 0.5 * 4 + 0.5 * 2.25], [0.5, 0.5 * 16, 0.5 * 0.25]),
    ("wasserstein", [0.0, -5.0, 2.5], [0.0, 3.0, -1.5]),
])
def test_closed_forms(name, d_expected, g_expected):
    d, g = OBJECTIVES[name](REAL, FAKE)
    # float32: a softplus or a square per term (a few ulps of values <= 8) and one sum: <= ~4 u = 2.4e-7
    np.testing.assert_allclose(d.numpy(), d_expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g.numpy(), g_expected, rtol=1e-6, atol=1e-6)


def test_minimax_is_saturating_and_non_saturating_is_not():
    # a confident discriminator (logit -10 on fakes): minimax's generator gradient vanishes
    fake = tf.Variable([-10.0])
    grads = {}
    for name in ("minimax", "non_saturating"):
        with tf.GradientTape() as tape:
            _, g = OBJECTIVES[name](None, fake)
        grads[name] = abs(float(tape.gradient(g, fake)[0]))
    assert grads["minimax"] < 1e-4 < 0.99 < grads["non_saturating"]  # sigmoid(-10) = 4.5e-5, 1 - it = 0.99995


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_generator_side_needs_no_real_data(name):
    d, g = OBJECTIVES[name](None, FAKE)
    assert d is None and g.shape == (3,)


@pytest.mark.parametrize("name", ["minimax", "non_saturating"])
def test_logistic_losses_stay_finite_for_large_logits(name):
    big = tf.constant([80.0, -80.0])
    d, g = OBJECTIVES[name](big, -big)
    assert np.isfinite(d.numpy()).all() and np.isfinite(g.numpy()).all()
