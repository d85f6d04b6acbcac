"""Divergence estimation: the f-GAN discriminator alone, against a fixed known Q.

With the generator replaced by a fixed distribution Q, maximising the f-GAN critic objective
E_P[g(V(x))] - E_Q[f*(g(V(x)))] over V estimates D_f(P || Q) from below (tight at the optimum).
It is the cleanest check that an objective is right, and a tool in itself:

    python -m zoo.objectives.estimate [--divergences=kl,pearson] [--p=0,1] [--q=0.5,0.8] [--steps=3000]

prints, for 1-D Gaussians P = N(mu_p, s_p^2) and Q = N(mu_q, s_q^2), each divergence's estimate
beside its value by quadrature and the relative error. `estimate` works for any samplers.
"""
import math

import numpy as np

from zoo.errors import UserError
from zoo.objectives import fdiv


def critic(dim, width=64, depth=2, seed=0):
    import keras

    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input((dim,))
    for _ in range(depth):
        x = keras.layers.Dense(width, activation="gelu")(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def estimate(divergence, sample_p, sample_q, dim=1, steps=3000, batch_size=4096, learning_rate=1e-3,
             eval_size=1_000_000, seed=0, net=None):
    """Trains a critic on `divergence` (a zoo.objectives.fdiv.Divergence) between samplers P and Q.

    `sample_p(n, seed)` / `sample_q(n, seed)` return float32 tensors [n, dim] (`seed` a pair of ints).
    The critic minimises the f-GAN discriminator loss (the zoo's objective function itself) with
    Adam; returns the bound E_P[g(V)] - E_Q[f*(g(V))] on `eval_size` fresh samples of each.
    """
    import keras
    import tensorflow as tf

    net = net or critic(dim, seed=seed)
    objective = fdiv.fgan_objective(divergence)
    optimizer = keras.optimizers.Adam(learning_rate)

    @tf.function
    def train(steps):
        for i in tf.range(steps):
            xp, xq = sample_p(batch_size, [seed, 2 * i]), sample_q(batch_size, [seed, 2 * i + 1])
            with tf.GradientTape() as tape:
                d_loss, _ = objective(tf.reshape(net(xp), [-1]), tf.reshape(net(xq), [-1]))
                loss = tf.reduce_mean(d_loss)
            optimizer.apply(tape.gradient(loss, net.trainable_variables), net.trainable_variables)

    train(tf.constant(steps))
    total, chunk = 0.0, 100_000
    for k in range(0, eval_size, chunk):  # fresh samples: seeds the training never used
        xp, xq = sample_p(chunk, [seed + 1, k]), sample_q(chunk, [seed + 1, k + 1])
        vp, vq = tf.reshape(net(xp), [-1]), tf.reshape(net(xq), [-1])
        total += float(tf.reduce_sum(tf.cast(divergence.g(vp), tf.float64))
                       - tf.reduce_sum(tf.cast(divergence.f_star_g(vq), tf.float64)))
    return total / (chunk * math.ceil(eval_size / chunk))


def gaussian_sampler(mu, sigma):
    import tensorflow as tf

    return lambda n, seed: mu + sigma * tf.random.stateless_normal([n, 1], seed=seed)


def gaussian_divergence(divergence, mu_p, s_p, mu_q, s_q, half_width=30.0, points=600_001):
    """D_f(N(mu_p, s_p^2) || N(mu_q, s_q^2)) = integral of q f(p/q), by quadrature in float64."""
    x = np.linspace(min(mu_p, mu_q) - half_width, max(mu_p, mu_q) + half_width, points)
    log_p = -0.5 * ((x - mu_p) / s_p) ** 2 - math.log(s_p * math.sqrt(2 * math.pi))
    log_q = -0.5 * ((x - mu_q) / s_q) ** 2 - math.log(s_q * math.sqrt(2 * math.pi))
    q = np.exp(log_q)
    keep = q > 1e-300  # beyond it q f(p/q) is 0 for every divergence here with finite value
    integrand = q[keep] * divergence.f(np.exp(log_p[keep] - log_q[keep]))
    return float(np.trapezoid(integrand, x[keep]))


def _gaussian(text, flag):
    try:
        mu, sigma = (float(v) for v in text)
    except ValueError:
        raise UserError(f"--{flag} takes MU,SIGMA (two numbers), not {','.join(text)}") from None
    if sigma <= 0:
        raise UserError(f"--{flag}: sigma must be positive, not {sigma}")
    return mu, sigma


def main(argv):
    from absl import flags

    FLAGS = flags.FLAGS
    mu_p, s_p = _gaussian(FLAGS.p, "p")
    mu_q, s_q = _gaussian(FLAGS.q, "q")
    names = list(fdiv.DIVERGENCES) if FLAGS.divergences == ["all"] else FLAGS.divergences
    divergences = [fdiv.make(n, FLAGS.param if n in fdiv.NEEDS_PARAM else None) for n in names]
    print(f"P = N({mu_p}, {s_p}^2), Q = N({mu_q}, {s_q}^2); {FLAGS.steps} critic steps at batch 4096; "
          f"estimates on 1,000,000 fresh samples of each\n")
    print("| divergence | truth (quadrature) | estimate | relative error |")
    print("|---|---|---|---|")
    for name, div in zip(names, divergences):
        label = f"{name} ({FLAGS.param})" if name in fdiv.NEEDS_PARAM else name
        truth = gaussian_divergence(div, mu_p, s_p, mu_q, s_q)
        got = estimate(div, gaussian_sampler(mu_p, s_p), gaussian_sampler(mu_q, s_q), steps=FLAGS.steps,
                       seed=FLAGS.seed)
        print(f"| {label} | {truth:.5f} | {got:.5f} | {abs(got - truth) / abs(truth):.2%} |", flush=True)


if __name__ == "__main__":
    import os

    from absl import app, flags

    from zoo_core.errors import exit_on_user_error

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    flags.DEFINE_list("divergences", ["all"], "Divergence names, or 'all'.")
    flags.DEFINE_float("param", 0.5, "pi (js_weighted) or alpha (alpha).")
    flags.DEFINE_list("p", ["0", "1"], "MU,SIGMA of the Gaussian P.")
    flags.DEFINE_list("q", ["0.5", "1.1"], "MU,SIGMA of the Gaussian Q.")
    flags.DEFINE_integer("steps", 3000, "Critic updates.", lower_bound=1)
    flags.DEFINE_integer("seed", 0, "Seed of the critic's weights and of the samples.")

    app.run(exit_on_user_error(main))
