"""The VAE: its terms in closed form, and ELBO <= IWAE <= log p(x) on a linear Gaussian model whose
marginal likelihood and posterior are known exactly."""
import math

import keras
import numpy as np
import pytest

from tests.tolerances import sampling
from zoo import nets
from zoo.models import VAE
from zoo.models import likelihood as lik


def test_gaussian_kl_matches_its_closed_form_and_sampling():
    mu = np.array([[1.0, 2.0]], np.float32)
    logvar = np.array([[0.0, math.log(4.0)]], np.float32)
    # per dimension 0.5 (mu^2 + s^2 - 1 - log s^2): 0.5 and 0.5 (4 + 4 - 1 - log 4). In float32 its 13
    # operations round values <= 8: 46 u = 2.8e-6 at worst, 8.3e-7 of the result
    assert float(lik.gaussian_kl(mu, logvar)[0]) == pytest.approx(0.5 + 0.5 * (7 - math.log(4)), rel=1e-6)
    z = mu + np.exp(0.5 * logvar) * np.random.default_rng(0).normal(size=(400_000, 2)).astype(np.float32)
    mc = np.mean(lik.log_normal(z, mu, 0.5 * logvar) - lik.log_normal(z))
    # per draw, log q - log p = sum_i (s_i^2 - 1) e_i^2 / 2 + mu_i s_i e_i + const has variance
    # sum_i (s_i^2 - 1)^2 / 2 + mu_i^2 s_i^2 = 21.5: 5 standard errors of 400,000 draws are 0.037 (1.1%)
    assert mc == pytest.approx(float(lik.gaussian_kl(mu, logvar)[0]), abs=sampling(math.sqrt(21.5), 400_000, k=5))


def test_bernoulli_likelihood_of_minus_one_plus_one_data():
    logits = np.array([[2.0, -1.0, 0.5]], np.float32)
    x = np.array([[1.0, -1.0, -1.0]], np.float32)
    p = 1 / (1 + np.exp(-logits))
    want = np.log(p[0, 0]) + np.log(1 - p[0, 1]) + np.log(1 - p[0, 2])
    # float32: 3 softplus terms (a few ulps each) of one sign and 2 additions: ~10 u = 6e-7 relative; 2 p - 1
    # cancels a sigmoid's 2 ulps by at most 2p / |2p - 1| = 5 (l = 0.5): 6e-7
    assert float(lik.log_likelihood("bernoulli", x, logits)[0]) == pytest.approx(want, rel=1e-6)
    np.testing.assert_allclose(lik.mean("bernoulli", logits), 2 * p - 1, rtol=1e-6)


def test_gaussian_likelihood():
    x, mean = np.array([[0.5, -1.0]], np.float32), np.array([[0.0, 0.0]], np.float32)
    want = -0.5 * (0.25 + 1.0) / 0.25 - 2 * math.log(0.5 * math.sqrt(2 * math.pi))
    # float32: ~6 roundings of values <= 5 against a result of 2.95: 6e-7 relative
    assert float(lik.log_likelihood("gaussian", x, mean, std=0.5)[0]) == pytest.approx(want, rel=1e-6)


def linear_gaussian_vae(exact_posterior):
    """x = z W + b + 0.5 n with W W^T diagonal: p(x) = N(b, W^T W + 0.25 I) and the posterior
    q(z|x) = N((x - b) W^T P^-1 / 0.25, P^-1), P = I + W W^T / 0.25, are Gaussian with diagonal
    covariance in closed form. The encoder is linear: random, or set to that exact posterior."""
    keras.utils.set_random_seed(0)
    enc = nets.build("encoder", "mlp", (3,), 4, widths=())
    dec = nets.build_generator("mlp", 2, (3,), widths=())
    w, b = np.array([[1.0, 0.0, 0.5], [0.0, 2.0, 0.0]], np.float32), np.array([0.5, -1.0, 0.0], np.float32)
    dec.set_weights([w, b])
    var = 1.0 / (1.0 + np.diag(w @ w.T) / 0.25)  # the diagonal of P^-1
    a = (w.T * var) / 0.25  # [3, 2]: mu = (x - b) a
    if exact_posterior:
        enc.set_weights([np.concatenate([a, np.zeros((3, 2))], 1).astype(np.float32),
                         np.concatenate([-b @ a, np.log(var)]).astype(np.float32)])
    model = VAE(enc, dec, likelihood="gaussian", likelihood_std=0.5)
    cov = w.T @ w + 0.25 * np.eye(3)
    x = np.random.default_rng(1).multivariate_normal(b, cov, size=200).astype(np.float32)
    diff = x - b
    exact = -0.5 * (np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
                    + np.log(np.linalg.det(cov)) + 3 * math.log(2 * math.pi))
    return model, x, exact


def test_elbo_and_iwae_equal_log_p_x_with_the_exact_posterior():
    # log p(x, z) - log q(z|x) = log p(x) for EVERY z when q is the true posterior: every importance
    # weight is p(x), so the IWAE estimate is exact whatever the draws
    model, x, exact = linear_gaussian_vae(exact_posterior=True)
    # float32: log p(x|z) + log p(z) - log q(z|x) cancels terms <= 8 (sums of squares <= 16) down to log p(x)
    # in ~30 roundings: 3e-5 (measured 1e-6)
    np.testing.assert_allclose(model.iwae(x, k=7, seed=4), exact, atol=1e-4)
    # the ELBO with the KL in closed form is exact in expectation over z ~ q (it has variance): one seed's
    # mean over the 200 x has sd 0.072 (over seeds), so 100 seeds' mean is within 5 standard errors, 0.036
    elbo = np.mean([model.elbo(x, seed=s) for s in range(100)])
    assert elbo == pytest.approx(exact.mean(), abs=sampling(0.072, 100, k=5))


def test_elbo_below_iwae_below_log_p_x_with_a_random_encoder():
    model, x, exact = linear_gaussian_vae(exact_posterior=False)
    elbo = np.mean([np.mean(model.elbo(x, seed=s)) for s in range(50)])
    iwae10, iwae1000 = (float(np.mean(model.iwae(x, k=k))) for k in (10, 1000))
    assert elbo < iwae10 < iwae1000 < exact.mean()
    assert exact.mean() - elbo > 0.5  # a random encoder: the ELBO is loose, the IWAE bound much less
