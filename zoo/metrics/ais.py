"""Annealed importance sampling (Neal 2001) of a latent-variable model's log p(x), as Wu et al. (2017)
evaluate decoder-based models and the AVB paper (Mescheder et al. 2017) its MNIST models.

Per example x, `chains` independent chains start at z_0 ~ q0 = N(mean, diag(exp(log_std))^2) (the
VAE's encoder Gaussian; for AVB, a Gaussian with the moments of its implicit encoder, as in the
official avb/validate/ais.py) and move through the geometric path
    f_t(z) = q0(z)^(1 - beta_t) (p(z) p(x|z))^beta_t,   0 = beta_0 < ... < beta_T = 1,
with one Hamiltonian Monte Carlo transition (leaving f_t invariant) per intermediate distribution.
A chain's log weight sums (beta_t - beta_{t-1}) (log p(z) + log p(x|z) - log q0(z)) at z_{t-1};
exp(weight) is an unbiased estimate of p(x), so the log of the chains' mean weight is a stochastic
LOWER bound of log p(x) (by Jensen: E log <= log E), tight as T grows. With T = 1 the estimate is
importance sampling from q0 with `chains` draws, i.e. the IWAE bound when q0 is the encoder.

Schedule: Grosse et al.'s (2015) sigmoid, beta_t ~ sigmoid(4 (2t / T - 1)) rescaled to [0, 1],
which spends its steps near beta = 0 and 1 where the weights change fastest. HMC: unit mass,
`leapfrog` steps of a step size per example adapted after every transition toward a 65%
acceptance rate (x1.02 above, x0.98 below), as in Wu et al.'s code. Adapting the step size from the
chains' own history makes the transitions only approximately f_t-invariant; the closed-form test
(tests/test_ais.py) measures what that costs.
"""
import math

import numpy as np
import tensorflow as tf

from zoo.models import likelihood as lik

TARGET_ACCEPTANCE = 0.65


def sigmoid_schedule(steps, delta=4.0):
    """beta_0 = 0 < ... < beta_steps = 1 (float64 numpy, steps + 1 values)."""
    if steps < 1:
        raise ValueError(f"AIS needs steps >= 1, got {steps}")
    s = 1.0 / (1.0 + np.exp(-delta * (2.0 * np.arange(steps + 1) / steps - 1.0)))
    return (s - s[0]) / (s[-1] - s[0])


def log_marginal(log_likelihood, x, mean, log_std, chains=16, steps=500, leapfrog=10, step_size=0.05,
                 seed=0):
    """AIS estimates of log p(x) per example, [B] (float64 numpy), and the mean HMC acceptance rate.

    `log_likelihood(x, z)` -> log p(x|z) per row, [N] for x [N, ...] and z [N, d]; `mean`, `log_std`
    [B, d] describe q0 for each example of x [B, ...]; the prior p(z) is N(0, I).
    """
    x = tf.convert_to_tensor(x, tf.float32)
    mean = tf.convert_to_tensor(mean, tf.float32)
    log_std = tf.convert_to_tensor(log_std, tf.float32)
    b, d = int(mean.shape[0]), int(mean.shape[1])
    n = b * chains
    xs = tf.repeat(x, chains, axis=0)  # chain k of example i is row i * chains + k
    mu = tf.repeat(mean, chains, axis=0)
    ls = tf.repeat(log_std, chains, axis=0)

    def parts(z):
        """log q0(z), log p(z) + log p(x|z) and their gradients in z."""
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(z)
            lq = lik.log_normal(z, mu, ls)
            lt = lik.log_normal(z) + log_likelihood(xs, z)
        return lq, lt, tape.gradient(lq, z), tape.gradient(lt, z)

    @tf.function(reduce_retracing=True)
    def transition(state, log_w, eps, beta_prev, beta, key):
        """One HMC transition on f_beta; `state` = (z, *parts(z)), carried so z's parts are computed once."""
        z, lq, lt, gq, gt = state
        log_w = log_w + (beta - beta_prev) * (lt - lq)
        # HMC on f_beta: U = -((1 - beta) log q0 + beta log target)
        u0 = -((1.0 - beta) * lq + beta * lt)
        grad_u = -((1.0 - beta) * gq + beta * gt)
        p0 = tf.random.stateless_normal([n, d], seed=key)
        step = tf.repeat(eps, chains)[:, None]
        p = p0 - 0.5 * step * grad_u
        z1 = z
        for i in range(leapfrog):
            z1 = z1 + step * p
            lq1, lt1, gq1, gt1 = parts(z1)
            grad_u = -((1.0 - beta) * gq1 + beta * gt1)
            p = p - (step if i < leapfrog - 1 else 0.5 * step) * grad_u
        u1 = -((1.0 - beta) * lq1 + beta * lt1)
        log_accept = (u0 + 0.5 * tf.reduce_sum(p0 ** 2, 1)) - (u1 + 0.5 * tf.reduce_sum(p ** 2, 1))
        u = tf.random.stateless_uniform([n], seed=tf.random.experimental.stateless_fold_in(key, 1))
        accept = tf.math.log(u) < tf.where(tf.math.is_finite(log_accept), log_accept, -np.inf)
        state = tuple(tf.where(accept if new.shape.rank == 1 else accept[:, None], new, old)
                      for new, old in zip((z1, lq1, lt1, gq1, gt1), state))
        rate = tf.reduce_mean(tf.reshape(tf.cast(accept, tf.float32), [b, chains]), axis=1)
        eps = eps * tf.where(rate > TARGET_ACCEPTANCE, 1.02, 0.98)
        return state, log_w, eps, tf.reduce_mean(rate)

    betas = sigmoid_schedule(steps).astype(np.float32)
    base = tf.constant([seed, 0xA15], tf.int64)
    z = mu + tf.exp(ls) * tf.random.stateless_normal([n, d], seed=base)
    state = (z, *parts(z))
    log_w = tf.zeros([n])
    eps = tf.fill([b], float(step_size))
    rates = []
    for t in range(1, steps + 1):
        key = tf.random.experimental.stateless_fold_in(base, t)
        state, log_w, eps, rate = transition(state, log_w, eps, tf.constant(betas[t - 1]), tf.constant(betas[t]),
                                             key)
        rates.append(float(rate))
    log_w = tf.reshape(tf.cast(log_w, tf.float64), [b, chains])
    estimate = tf.reduce_logsumexp(log_w, axis=1) - math.log(chains)
    return estimate.numpy(), float(np.mean(rates))
