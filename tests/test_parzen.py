"""Parzen-window log-likelihood against a direct computation, and its bandwidth search."""
import math

import numpy as np
import pytest

from zoo.metrics import parzen


def _direct(samples, x, sigma):
    """log p(x) for one query, the way parzen_ll.py writes it: a loop over samples in float64."""
    d = samples[0].size
    terms = np.array([-np.sum((x - mu) ** 2) / (2 * sigma ** 2) for mu in samples])
    top = terms.max()
    return top + math.log(np.mean(np.exp(terms - top))) - d * math.log(sigma * math.sqrt(2 * math.pi))


def test_log_likelihood_matches_direct_computation():
    rng = np.random.default_rng(0)
    samples, queries = rng.uniform(size=(37, 5, 4)), rng.uniform(size=(11, 5, 4))
    sigmas = [0.05, 0.2, 1.0]
    got = parzen.log_likelihoods(samples, queries, sigmas, block=4)  # several blocks, a ragged last one
    want = np.array([[_direct(samples, q, s) for q in queries] for s in sigmas])
    assert got.shape == (3, 11)
    # float64; the code expands |x - mu|^2 = |x|^2 + |mu|^2 - 2 x.mu, terms <= 20 (~100 roundings: 2e-13),
    # scaled by 1 / 2 sigma^2 <= 200: ~5e-11 absolute against |log p| >= 18; rtol 1e-10 leaves > 30x
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-8)


def test_far_queries_stay_finite():
    """Exponents of -1e5 underflow exp(); the log-sum-exp form keeps them exact."""
    samples = np.zeros((3, 784))
    x = np.ones((1, 784))
    got = parzen.log_likelihoods(samples, x, [0.05])[0, 0]
    # float64 sums of 784 positive terms: recursive summation's worst case, 784 u, is 8.7e-14 relative
    assert got == pytest.approx(-784 / (2 * 0.05 ** 2) - 784 * math.log(0.05 * math.sqrt(2 * math.pi)), rel=1e-12)


def test_protocol_picks_the_best_sigma_on_validation_and_reports_test():
    rng = np.random.default_rng(1)
    centres = rng.uniform(size=(4, 6))
    draw = lambda n, s: centres[rng.integers(0, 4, n)] + s * rng.normal(size=(n, 6))  # noqa: E731
    samples, validation, test = draw(300, 0.3), draw(100, 0.3), draw(200, 0.3)
    sigmas = np.logspace(-1, 0, 10)
    result = parzen.parzen(samples, validation, test, sigmas)
    val = parzen.log_likelihoods(samples, validation, sigmas).mean(1)
    # below: the same float64 values (a grid point, maxima) or two float64 computations of a mean (rel
    # 1e-10, as above) and of a standard deviation (two-pass: a few hundred u)
    assert result["sigma"] == pytest.approx(sigmas[np.argmax(val)])
    assert 0 < np.argmax(val) < 9  # an interior optimum, so the search did something
    ll = np.array([_direct(samples, x, result["sigma"]) for x in test])
    assert result["mean"] == pytest.approx(ll.mean(), rel=1e-10)
    assert result["se"] == pytest.approx(ll.std(ddof=1) / math.sqrt(len(ll)), rel=1e-8)
    assert max(result["validation"].values()) == pytest.approx(val.max())
