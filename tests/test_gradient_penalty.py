"""WGAN-GP's penalty: uniform epsilon per example, norm over all non-batch axes, two-sided."""
import numpy as np
import pytest
import tensorflow as tf
import keras

from zoo import data, nets
from zoo.models import GAN, gan as gan_module
from tests.tolerances import rounding, sampling
from zoo.objectives import gradient_penalty

SHAPE = (3, 3, 2)
# Finite differences (h = 1e-3) of a float32 critic: each evaluation carries rounding noise of sd
# ~sqrt(R / 3) u |f| (R ~ 30 roundings, |f| <= 2): 3.8e-7, so a gradient component's has sd 2.7e-4 (over
# 2h), and so has the norm's (its projection); the penalty (|g| - 1)^2 doubles it over |g| - 1 >= 0.29:
# 1.9e-3 relative, and 2e-2 is 10 sd of it (truncation, h^2 f''' / 6, is ~1e-7). ATOL: a floor for
# penalties near 0 (these are >= 0.08).
RTOL, ATOL = 2e-2, 1e-4


def tiny_critic():
    keras.utils.set_random_seed(0)
    x = keras.Input(SHAPE)
    h = keras.layers.Conv2D(3, 2, activation="tanh")(x)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(4, activation="softplus")(h)
    return keras.Model(x, keras.layers.Dense(1)(h))


def finite_difference_penalty(critic, real, fake, eps, h=1e-3):
    """(||grad||_2 - 1)^2 at x_hat = e x + (1 - e) x_fake by central differences, float64 norms."""
    out = []
    for i in range(len(real)):
        x_hat = (eps[i] * real[i] + (1 - eps[i]) * fake[i]).astype(np.float64)
        grad = np.zeros_like(x_hat)
        for idx in np.ndindex(*x_hat.shape):
            up, down = x_hat.copy(), x_hat.copy()
            up[idx] += h
            down[idx] -= h
            f = critic(np.stack([up, down]).astype(np.float32), training=False).numpy().ravel()
            grad[idx] = (float(f[0]) - float(f[1])) / (2 * h)
        out.append((np.sqrt((grad ** 2).sum()) - 1.0) ** 2)
    return np.array(out)


def test_penalty_matches_finite_differences_with_per_example_epsilon():
    critic = tiny_critic()
    rng = np.random.default_rng(1)
    real = rng.normal(size=(4, *SHAPE)).astype(np.float32)
    fake = rng.normal(size=(4, *SHAPE)).astype(np.float32)
    eps = np.array([0.0, 0.3, 0.7, 1.0], np.float32)
    got = gradient_penalty(critic, tf.constant(real), tf.constant(fake), tf.constant(eps)).numpy()
    want = finite_difference_penalty(critic, real, fake, eps)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    # the two wrong variants differ from the right one by far more than that tolerance:
    per_pixel = rng.uniform(size=(4, *SHAPE)).astype(np.float32)
    x_hat = per_pixel * real + (1 - per_pixel) * fake
    with tf.GradientTape() as tape:
        xh = tf.constant(x_hat)
        tape.watch(xh)
        out = critic(xh)
    g = tape.gradient(out, xh).numpy()
    per_pixel_penalty = (np.sqrt((g ** 2).sum(axis=(1, 2, 3))) - 1) ** 2
    assert np.abs(per_pixel_penalty - want).max() > 10 * RTOL * np.abs(want).max()
    with tf.GradientTape() as tape:
        xh = tf.constant(eps[:, None, None, None] * real + (1 - eps[:, None, None, None]) * fake)
        tape.watch(xh)
        out = critic(xh)
    g = tape.gradient(out, xh).numpy()
    wrong_axes = ((np.sqrt((g ** 2).sum(-1)) - 1) ** 2).mean(axis=(1, 2))  # norm over channels only
    assert np.abs(wrong_axes - want).max() > 10 * RTOL * np.abs(want).max()


def test_linear_critic_penalty_is_closed_form():
    # f(x) = <w, x> + b has gradient w everywhere: penalty = (||w||_2 - 1)^2 for any epsilon
    x = keras.Input(SHAPE)
    critic = keras.Model(x, keras.layers.Dense(1)(keras.layers.Flatten()(x)))
    w = critic.get_weights()[0]
    want = (np.sqrt((w.astype(np.float64) ** 2).sum()) - 1.0) ** 2
    rng = np.random.default_rng(2)
    real, fake = (tf.constant(rng.normal(size=(5, *SHAPE)), tf.float32) for _ in range(2))
    got = gradient_penalty(critic, real, fake, tf.constant(rng.uniform(size=5), tf.float32)).numpy()
    # the gradient is w exactly; float32 sums its 18 squares (<= 18 roundings of positive terms) and takes
    # the root, |g| within 10 u, which (|g| - 1)^2 turns into 20 u |g| / ||g| - 1| + 3 u (w is not seeded here)
    norm = float(np.sqrt((w.astype(np.float64) ** 2).sum()))
    np.testing.assert_allclose(got, np.full(5, want), rtol=rounding("float32", 20 * norm / abs(norm - 1) + 3, 1.0))


def test_model_draws_one_uniform_epsilon_per_example(monkeypatch):
    seen = []

    def spy(critic, real, fake, epsilon):
        seen.append(epsilon.numpy())
        return gradient_penalty(critic, real, fake, epsilon)

    monkeypatch.setattr(gan_module, "gradient_penalty", spy)
    g = nets.build_generator("mlp", 2, (2,), widths=(8,))
    d = nets.build_discriminator("mlp", (2,), widths=(8,))
    model = GAN(g, d, objective="wasserstein", n_critic=2, gp_weight=10.0)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-4), d_optimizer=keras.optimizers.Adam(1e-4),
                  run_eagerly=True)
    model.fit(data.load("ring", 512, seed=0, group=2), steps_per_epoch=1, epochs=1, verbose=0,
              shuffle=False)
    assert len(seen) == 2
    for eps in seen:
        assert eps.shape == (512,)  # one per example, not per coordinate
        assert eps.min() >= 0.0 and eps.max() < 1.0  # uniform on [0, 1), not normal
        # 512 draws of U[0, 1): standard errors sqrt(1/12 / n) = 0.013 (mean), sqrt((1/80 - 1/144) / n) =
        # 0.0033 (variance); a normal epsilon misses by 0.5 and 0.92
        assert abs(eps.mean() - 0.5) < sampling(np.sqrt(1 / 12), 512, k=4)
        assert abs(eps.var() - 1 / 12) < sampling(np.sqrt(1 / 80 - 1 / 144), 512, k=4)
    assert not np.allclose(seen[0], seen[1])  # fresh epsilon for every critic step


@pytest.mark.parametrize("x_shape", [(2,), SHAPE])
def test_penalty_shape_is_per_example(x_shape):
    x = keras.Input(x_shape)
    h = keras.layers.Flatten()(x) if len(x_shape) > 1 else x
    critic = keras.Model(x, keras.layers.Dense(1)(h))
    real = tf.zeros((6, *x_shape))
    assert gradient_penalty(critic, real, real + 1, tf.fill([6], 0.5)).shape == (6,)
