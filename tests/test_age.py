"""AGE: Delta in closed form, batch moments that are GLOBAL under a strategy, and the parity that follows."""
import math

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import encoder_model, fit_encoder_model, max_weight_difference, step_gradient
from tests.tolerances import reorder, sgd_step
from zoo.models import age


def test_delta_is_zero_for_codes_with_the_prior_moments():
    d = 8
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(512, d))
    codes = (codes - codes.mean(0)) / codes.std(0) / math.sqrt(d)  # per-dimension mean 0, variance 1/d
    # Delta is second order in the float32 moments' errors (~1e-5: 1e-10); what is left is float32's
    # cancellation in dv - 1 - log dv, a few roundings of 1 (6e-8 each): 1e-5 is ~40x that
    assert abs(float(age.delta(tf.constant(codes, tf.float32)))) < 1e-5
    # on the sphere itself, a large batch matches the moments too: Delta is quadratic in the moments'
    # sampling errors, (1 / 2dN) chi-square(2d), mean 1/N = 5e-6 at N = 200,000 and < 4/N (chi-square(16)
    # > 64: p = 1e-7); 1e-3 is far above that and far below a wrong prior's Delta (N(0, 1): 0.60)
    sphere = tf.math.l2_normalize(tf.random.stateless_normal([200_000, d], seed=[1, 1]), axis=-1)
    assert float(age.delta(sphere)) < 1e-3


def test_delta_matches_the_gaussian_kl_of_the_batch_moments():
    d = 4
    rng = np.random.default_rng(1)
    codes = rng.normal(size=(1000, d))
    codes = (codes - codes.mean(0)) / codes.std(0)
    mean, var = np.array([0.3, 0.0, -0.1, 0.2]), np.array([0.1, 0.25, 0.5, 0.05])
    codes = codes * np.sqrt(var) + mean
    want = np.mean(0.5 * (d * var + d * mean ** 2 - 1 - np.log(d * var)))  # KL(N(m, v) || N(0, 1/d))
    # float32 moments of 1,000 codes against exact ones: Higham & Mary's lambda sqrt(n) u = 1.1e-5 relative,
    # which Delta passes on at most ~1:1 here (its dv - 1 terms weigh <= the result); 1e-4 is ~9x that
    assert float(age.delta(tf.constant(codes, tf.float32))) == pytest.approx(want, rel=1e-4)


def _per_replica(strategy, fn, x):
    ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(x))
    return strategy.experimental_local_results(strategy.run(tf.function(fn), args=(next(iter(ds)),)))


def test_batch_moments_and_their_gradients_are_global_under_mirrored(mirrored):
    x = tf.random.stateless_normal([16, 3], seed=[2, 2])
    with mirrored.scope():
        w = tf.Variable(tf.random.stateless_normal([3, 3], seed=[3, 3]))
    w_one = tf.Variable(w.read_value())

    def loss_and_grad(xs, var):
        with tf.GradientTape() as tape:
            loss = age.delta(tf.math.l2_normalize(tf.tanh(xs @ var), axis=-1))
        return loss, tape.gradient(loss, var)

    want_loss, want_grad = loss_and_grad(x, w_one)
    results = _per_replica(mirrored, lambda xs: loss_and_grad(xs, w), x)
    # the same math with the batch's sums of 16 split 8 + 8: <= 6 chained sums (x w, the norm, the moments)
    # of <= 16 terms of size <= 1, and as many back for the gradient (entries <= 1); absolute bounds, as
    # Delta (0.066) cancels terms of size 1. Per-replica moments would miss by the half batches' sampling
    # error, ~10%
    for loss, _ in results:  # every replica holds the one-device Delta of the whole batch
        assert float(loss) == pytest.approx(float(want_loss), abs=reorder(16, 1.0, depth=6))  # 1.7e-5
    summed = sum(g for _, g in results)  # what the optimizer applies
    np.testing.assert_allclose(summed, want_grad, rtol=reorder(16, 1.0, depth=12), atol=reorder(16, 1.0, depth=12))


def test_per_replica_moments_would_break_parity(mirrored, monkeypatch):
    # the mutant: each replica's Delta from its own half batch
    monkeypatch.setattr(age, "_global_sum", lambda local: local)
    one = encoder_model("age", tf.distribute.get_strategy())
    fit_encoder_model(one, "age", 1)
    two = encoder_model("age", mirrored)
    fit_encoder_model(two, "age", 1)
    # measured 0.74; 10x the one-step bound of the parity test (tests/test_encoder_models.py) is 1.1e-3
    assert max_weight_difference(one, two) > 10 * sgd_step(step_gradient("age"))
