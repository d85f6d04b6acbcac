"""f-GAN (Nowozin et al. 2016): every f-divergence of the seed table as a variational objective.

D_f(P || Q) = E_Q[f(p/q)] >= sup_T E_P[T(x)] - E_Q[f*(T(x))], with equality at T = f'(p/q).
The discriminator outputs an unconstrained V(x); the output activation g_f maps it into dom f*,
T = g_f(V). One record per divergence holds:

- `f(u)`, `f_prime(u)` (numpy, for tests and the optimal critic T* = f'(p/q)),
- `f_star(t)` on its domain (numpy), `domain` (lower, upper) of f* (open ends; None = unbounded),
- `g(v)` and `f_star_g(v)` = f*(g(v)) in TensorFlow, written in stable closed forms of v (softplus,
  exp of bounded arguments; no log of an exp), finite in float32 with gradients for v in [-50, 50].

Two rows of the seed table need care, and the tests decide them:
- `jensen_shannon`'s f, -(u+1) log((1+u)/2) + u log u, gives D_f = 2 JSD (JSD with the 1/2
  weights), although the paper's table prints the divergence with a factor 1/2. With it,
  D_GAN = D_jensen_shannon - log 4 = 2 JSD - log 4.
- `alpha`'s conjugate ((1 + (a-1) t)^(a/(a-1)) - 1)/a is the conjugate only where 1 + (a-1) t > 0
  (for a > 1, f* is constant -1/a below that); g maps onto exactly that set.

- `gan`'s f(u) = u log u - (u+1) log(u+1) has f(1) = -log 4, not 0: D_GAN(P || P) = -log 4. It is
  the only row that is a divergence only up to that constant, which is what D_GAN = 2 JSD - log 4
  says; every other f here has f(1) = 0.

`jeffrey`'s conjugate needs the Lambert W function at e^(1-t). It is computed as the Wright omega
function omega(y) = W(e^y), the solution w of w + log w = y, by Newton's method in log space (no
overflow of e^y), with its exact derivative omega / (1 + omega) as the gradient.
"""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import tensorflow as tf

from zoo.errors import UserError

LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Divergence:
    name: str
    f: Callable  # numpy, u > 0
    f_prime: Callable  # numpy
    f_star: Callable  # numpy, on the open domain
    domain: tuple  # (lower, upper) open bounds of dom f*; None = unbounded
    g: Callable  # tf: R -> dom f*
    f_star_g: Callable  # tf: v -> f*(g(v)), stable


# --- the Wright omega function (Lambert W of e^y) ---------------------------------------------
def _omega_value(y):
    y = tf.convert_to_tensor(y)
    # start: W(e^y) ~ e^y for small values, ~ y - log y for large ones; Newton on h(w) = w + log w - y
    # in the variable s = log w (so w = e^s stays positive): s <- s - (e^s + s - y) / (e^s + 1)
    s = tf.where(y > 1.0, tf.math.log(tf.maximum(y - tf.math.log(tf.maximum(y, 1.0)), 1e-3)), y)
    for _ in range(12):  # quadratic convergence; 12 steps reach float64 precision from these starts
        s = s - (tf.exp(s) + s - y) / (tf.exp(s) + 1.0)
    return tf.exp(s)


@tf.custom_gradient
def wright_omega(y):
    """omega(y) = W(e^y): the w > 0 with w + log w = y; d omega / dy = omega / (1 + omega)."""
    w = _omega_value(y)

    def grad(upstream):
        return upstream * w / (1.0 + w)

    return w, grad


def lambert_w(x):
    """The principal branch W(x) for x > 0 (w e^w = x), through omega(log x)."""
    return wright_omega(tf.math.log(x))


@tf.custom_gradient
def _jeffrey_f_star(t):
    # f*(t) = W(e^(1-t)) + 1/W(e^(1-t)) + t - 2; its derivative is the maximiser u*(t) = 1 / W(e^(1-t))
    w = _omega_value(1.0 - t)

    def grad(upstream):
        return upstream / w

    return w + 1.0 / w + t - 2.0, grad


def _log_softplus(x):
    """log(softplus(x)), finite for very negative x (where softplus underflows): ~ x there."""
    safe = tf.where(x < -15.0, tf.zeros_like(x), x)
    return tf.where(x < -15.0, x, tf.math.log(tf.nn.softplus(safe)))


def _np_xlogx(u):
    u = np.asarray(u, np.float64)
    return np.where(u > 0, u * np.log(np.where(u > 0, u, 1.0)), 0.0)


def _np_omega(y):
    """Wright omega in float64 numpy (the mirror of `wright_omega`, for the numpy f*)."""
    y = np.asarray(y, np.float64)
    s = np.where(y > 1.0, np.log(np.maximum(y - np.log(np.maximum(y, 1.0)), 1e-3)), y)
    for _ in range(30):
        s = s - (np.exp(s) + s - y) / (np.exp(s) + 1.0)
    return np.exp(s)


def make(name, param=None):
    """The Divergence record of `name` (`param`: pi for js_weighted, alpha for alpha)."""
    builder = choose_divergence(name)
    needs = NEEDS_PARAM.get(name)
    if needs is None:
        if param is not None:
            raise UserError(f"divergence {name!r} takes no parameter; leave divergence_param unset")
        return builder()
    if param is None:
        raise UserError(f"divergence {name!r} needs --config.model.objective.divergence_param ({needs})")
    param = float(param)
    if name == "js_weighted" and not 0.0 < param < 1.0:
        raise UserError(f"js_weighted needs 0 < pi < 1, not {param}")
    if name == "alpha" and (param in (0.0, 1.0) or not math.isfinite(param)):
        raise UserError(f"the alpha-divergence needs alpha not 0 or 1, not {param}")
    return builder(param)


def _total_variation():
    return Divergence(
        "total_variation",
        f=lambda u: 0.5 * np.abs(np.asarray(u, np.float64) - 1.0),
        f_prime=lambda u: 0.5 * np.sign(np.asarray(u, np.float64) - 1.0),
        f_star=lambda t: np.asarray(t, np.float64),
        domain=(-0.5, 0.5),  # closed in fact; g maps onto the open interval
        g=lambda v: 0.5 * tf.tanh(v),
        f_star_g=lambda v: 0.5 * tf.tanh(v))


def _kl():
    return Divergence(
        "kl",
        f=_np_xlogx,
        f_prime=lambda u: 1.0 + np.log(u),
        f_star=lambda t: np.exp(np.asarray(t, np.float64) - 1.0),
        domain=(None, None),
        g=lambda v: v,
        f_star_g=lambda v: tf.exp(v - 1.0))


def _reverse_kl():
    return Divergence(
        "reverse_kl",
        f=lambda u: -np.log(u),
        f_prime=lambda u: -1.0 / np.asarray(u, np.float64),
        f_star=lambda t: -1.0 - np.log(-np.asarray(t, np.float64)),
        domain=(None, 0.0),
        g=lambda v: -tf.exp(-v),
        f_star_g=lambda v: v - 1.0)  # -1 - log(exp(-v))


def _pearson():
    return Divergence(
        "pearson",
        f=lambda u: (np.asarray(u, np.float64) - 1.0) ** 2,
        f_prime=lambda u: 2.0 * (np.asarray(u, np.float64) - 1.0),
        f_star=lambda t: np.asarray(t, np.float64) ** 2 / 4.0 + t,
        domain=(None, None),
        g=lambda v: v,
        f_star_g=lambda v: 0.25 * v * v + v)


def _neyman():
    return Divergence(
        "neyman",
        f=lambda u: (1.0 - np.asarray(u, np.float64)) ** 2 / u,
        f_prime=lambda u: 1.0 - 1.0 / np.asarray(u, np.float64) ** 2,
        f_star=lambda t: 2.0 - 2.0 * np.sqrt(1.0 - np.asarray(t, np.float64)),
        domain=(None, 1.0),
        g=lambda v: 1.0 - tf.exp(v),
        f_star_g=lambda v: 2.0 - 2.0 * tf.exp(0.5 * v))  # 2 - 2 sqrt(exp(v))


def _hellinger():
    return Divergence(
        "hellinger",
        f=lambda u: (np.sqrt(u) - 1.0) ** 2,
        f_prime=lambda u: 1.0 - 1.0 / np.sqrt(u),
        f_star=lambda t: np.asarray(t, np.float64) / (1.0 - np.asarray(t, np.float64)),
        domain=(None, 1.0),
        g=lambda v: 1.0 - tf.exp(-v),
        f_star_g=lambda v: tf.exp(v) - 1.0)  # (1 - e^-v) / e^-v


def _jeffrey():
    def f_star(t):
        w = _np_omega(1.0 - np.asarray(t, np.float64))  # W(e^(1-t)) without forming e^(1-t)
        return w + 1.0 / w + t - 2.0

    return Divergence(
        "jeffrey",
        f=lambda u: (np.asarray(u, np.float64) - 1.0) * np.log(u),
        f_prime=lambda u: np.log(u) + 1.0 - 1.0 / np.asarray(u, np.float64),
        f_star=f_star,
        domain=(None, None),
        g=lambda v: v,
        f_star_g=_jeffrey_f_star)


def _jensen_shannon():
    return Divergence(
        "jensen_shannon",
        f=lambda u: -(np.asarray(u, np.float64) + 1.0) * np.log((1.0 + np.asarray(u, np.float64)) / 2.0) + _np_xlogx(u),
        f_prime=lambda u: np.log(2.0 * np.asarray(u, np.float64) / (1.0 + np.asarray(u, np.float64))),
        f_star=lambda t: -np.log(2.0 - np.exp(t)),
        domain=(None, LOG2),
        g=lambda v: LOG2 - tf.nn.softplus(-v),
        f_star_g=lambda v: tf.nn.softplus(v) - LOG2)  # -log(2 (1 - sigmoid(v)))


def _js_weighted(pi):
    def f(u):
        a = 1.0 - pi + pi * np.asarray(u, np.float64)
        return pi * _np_xlogx(u) - a * np.log(a)

    return Divergence(
        "js_weighted",
        f=f,
        f_prime=lambda u: pi * np.log(np.asarray(u, np.float64) / (1.0 - pi + pi * np.asarray(u, np.float64))),
        f_star=lambda t: (1.0 - pi) * np.log((1.0 - pi) / (1.0 - pi * np.exp(np.asarray(t, np.float64) / pi))),
        domain=(None, -pi * math.log(pi)),
        # g(v) = -pi log pi - pi softplus(-v): e^(g/pi) = sigmoid(v) / pi, so 1 - pi e^(g/pi) = sigmoid(-v)
        g=lambda v: -pi * math.log(pi) - pi * tf.nn.softplus(-v),
        f_star_g=lambda v: (1.0 - pi) * (math.log(1.0 - pi) + tf.nn.softplus(v)))


def _gan():
    return Divergence(
        "gan",
        f=lambda u: _np_xlogx(u) - (np.asarray(u, np.float64) + 1.0) * np.log(np.asarray(u, np.float64) + 1.0),
        f_prime=lambda u: np.log(np.asarray(u, np.float64) / (np.asarray(u, np.float64) + 1.0)),
        f_star=lambda t: -np.log(1.0 - np.exp(t)),
        domain=(None, 0.0),
        g=lambda v: -tf.nn.softplus(-v),  # log sigmoid(v)
        f_star_g=lambda v: tf.nn.softplus(v))  # -log(1 - sigmoid(v))


def _alpha(a):
    # dom f* (where the closed form holds): 1 + (a - 1) t > 0, i.e. t < 1/(1-a) for a < 1, t > -1/(a-1) for a > 1
    c = 1.0 / (1.0 - a)
    sign = 1.0 if a > 1 else -1.0  # g(v) = c + softplus(sign v) * sign
    p = a / (a - 1.0)

    def f_star(t):
        return ((1.0 + (a - 1.0) * np.asarray(t, np.float64)) ** p - 1.0) / a

    def f_star_g(v):
        # 1 + (a-1) g(v) = |a-1| softplus(sign v); raise it to p in log space
        log_base = math.log(abs(a - 1.0)) + _log_softplus(sign * v)
        return (tf.exp(p * log_base) - 1.0) / a

    return Divergence(
        "alpha",
        f=lambda u: (np.asarray(u, np.float64) ** a - 1.0 - a * (np.asarray(u, np.float64) - 1.0)) / (a * (a - 1.0)),
        f_prime=lambda u: (np.asarray(u, np.float64) ** (a - 1.0) - 1.0) / (a - 1.0),
        f_star=f_star,
        domain=(c, None) if a > 1 else (None, c),
        g=lambda v: c + sign * tf.nn.softplus(sign * v),
        f_star_g=f_star_g)


DIVERGENCES = {
    "total_variation": _total_variation,
    "kl": _kl,
    "reverse_kl": _reverse_kl,
    "pearson": _pearson,
    "neyman": _neyman,
    "hellinger": _hellinger,
    "jeffrey": _jeffrey,
    "jensen_shannon": _jensen_shannon,
    "js_weighted": _js_weighted,
    "gan": _gan,
    "alpha": _alpha,
}
NEEDS_PARAM = {"js_weighted": "pi, strictly between 0 and 1", "alpha": "alpha, not 0 or 1"}


def choose_divergence(name):
    if name not in DIVERGENCES:
        raise UserError(f"unknown divergence {name!r}; choose one of: {', '.join(DIVERGENCES)}")
    return DIVERGENCES[name]


G_UPDATES = ("alternative", "saddle")


def fgan_objective(divergence, g_update="alternative", output_bound=None):
    """The f-GAN objective of a Divergence record, with the zoo's objective signature.

    (real, fake) -> (per-example d_loss or None, per-example g_loss), both minimised:
    d_loss = -g(V(x)) + f*(g(V(G(z)))) (the discriminator maximises the variational bound);
    g_loss = -g(V(G(z))) for the paper's alternative update (default), or
    g_loss = -f*(g(V(G(z)))) for the saddle-point one.

    `output_bound` B > 0 first maps V to B tanh(V / B) (the identity for |V| << B). Where P has mass
    that Q lacks, divergences like KL and Pearson are infinite and an unbounded critic chases them:
    the KL f-GAN on the 25-mode grid reached an infinite f*(g(V)) = exp(V - 1) and a NaN loss after
    100 steps. Any T in dom f* still gives a lower bound of D_f, so bounding V keeps the objective
    a valid variational bound while every loss and gradient stays finite.
    """
    if g_update not in G_UPDATES:
        raise UserError(f"unknown f-GAN generator update {g_update!r}; choose one of: {', '.join(G_UPDATES)}")
    if output_bound is not None and not output_bound > 0:
        raise UserError(f"the f-GAN output bound must be positive (or unset), not {output_bound}")

    def bounded(v):
        return v if output_bound is None else output_bound * tf.tanh(v / output_bound)

    def objective(real, fake):
        real = None if real is None else bounded(real)
        fake = bounded(fake)
        d = None if real is None else -divergence.g(real) + divergence.f_star_g(fake)
        g = -divergence.g(fake) if g_update == "alternative" else -divergence.f_star_g(fake)
        return d, g

    return objective


def bound(divergence, t_p, t_q):
    """The variational bound E_P[T] - E_Q[f*(T)] from critic values T on P- and Q-samples (numpy)."""
    return float(np.mean(t_p) - np.mean(divergence.f_star(t_q)))


def direct(divergence, p, q):
    """D_f(P || Q) = sum_x q f(p/q) of two discrete distributions with full support (numpy)."""
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    return float(np.sum(q * divergence.f(p / q)))
