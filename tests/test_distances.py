"""Frechet distance, KID and the classifier score against closed forms and direct computations."""
import math

import numpy as np
import pytest

from tests.tolerances import UNIT_ROUNDOFF
from zoo.metrics import distances

# Closed forms in float64 against float64 code (u = 1.1e-16): a few hundred roundings through 2x2 to 8x8
# eigendecompositions of well-conditioned matrices cost ~1e-13 relative; rel 1e-9 / 1e-10 leave 10^3 or more.


def _closed_form_2d(mu1, s1, mu2, s2):
    """FD of two 2-D Gaussians without any matrix square root: the eigenvalues of S1^1/2 S2 S1^1/2
    are those of S1 S2, and for a 2x2 PSD M, tr sqrt(M) = sqrt(tr M + 2 sqrt(det M))."""
    tr_sqrt = math.sqrt(np.trace(s1 @ s2) + 2 * math.sqrt(np.linalg.det(s1) * np.linalg.det(s2)))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


S1 = np.array([[2.0, 0.9], [0.9, 1.0]])
S2 = np.array([[0.5, -0.3], [-0.3, 1.5]])  # does not commute with S1
MU1, MU2 = np.array([0.0, 1.0]), np.array([1.5, -0.5])


def test_frechet_closed_form_non_diagonal():
    assert not np.allclose(S1 @ S2, S2 @ S1)
    want = _closed_form_2d(MU1, S1, MU2, S2)
    assert distances.frechet_distance_from_stats(MU1, S1, MU2, S2) == pytest.approx(want, rel=1e-10)
    # a common mistake: the elementwise square root of S1 S2 instead of the matrix one
    naive = float(np.sum((MU1 - MU2) ** 2) + np.trace(S1 + S2) - 2 * np.sqrt(np.abs(S1 @ S2)).trace())
    assert abs(naive - want) > 1e-2  # 6e-2 here: far outside the tolerance above


def test_frechet_closed_form_diagonal_and_shared_eigenvectors():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    d1, d2 = rng.uniform(0.1, 3, 6), rng.uniform(0.1, 3, 6)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    want = float(np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(d1) - np.sqrt(d2)) ** 2))
    got = distances.frechet_distance_from_stats(mu1, q * d1 @ q.T, mu2, q * d2 @ q.T)
    assert got == pytest.approx(want, rel=1e-9)
    assert distances.frechet_distance_from_stats(mu1, np.diag(d1), mu2, np.diag(d2)) == pytest.approx(want, rel=1e-9)


def _exact_moments(rng, mu, cov, n):
    """n samples whose sample mean and (n - 1)-normalised covariance are exactly mu and cov."""
    z = rng.normal(size=(n, len(mu)))
    z -= z.mean(0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return mu + z @ np.linalg.cholesky(cov).T


def test_frechet_from_samples_matches_closed_form():
    rng = np.random.default_rng(1)
    x, y = _exact_moments(rng, MU1, S1, 1000), _exact_moments(rng, MU2, S2, 700)
    assert distances.frechet_distance(x, y) == pytest.approx(_closed_form_2d(MU1, S1, MU2, S2), rel=1e-9)
    # plain Gaussian draws: the closed form within sampling noise, sd 0.015 over seeds at this size (the
    # mean term alone gives 2 sqrt((mu1 - mu2)' (S1 + S2) (mu1 - mu2) / n) = 0.013): 0.06 is 4 sd
    x, y = rng.multivariate_normal(MU1, S1, size=200_000), rng.multivariate_normal(MU2, S2, size=200_000)
    assert distances.frechet_distance(x, y) == pytest.approx(_closed_form_2d(MU1, S1, MU2, S2), abs=0.06)


def test_frechet_symmetric_zero_on_identical_and_order_invariant():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(500, 8)) @ rng.normal(size=(8, 8))
    y = rng.normal(size=(400, 8)) + 0.3
    assert distances.frechet_distance(x, y) == pytest.approx(distances.frechet_distance(y, x), rel=1e-9)
    assert abs(distances.frechet_distance(x, x)) < 1e-8  # 0 in the math; float64 cancels traces of ~60: ~1e-13
    assert distances.frechet_distance(x[rng.permutation(500)], y) == pytest.approx(
        distances.frechet_distance(x, y), rel=1e-9)


def test_frechet_is_sound_for_rank_deficient_covariances():
    """Fewer samples than dimensions: singular covariances give a finite, non-negative distance."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(20, 64)), rng.normal(size=(20, 64))
    fd = distances.frechet_distance(x, y)
    assert np.isfinite(fd) and fd > 0
    # 0 in the math; the 45 null eigenvalues of the singular M = S^1/2 S S^1/2 come out as +-d u |M| (eigh's
    # backward error, |M| = lmax^2), and their square roots add up: 2 x 45 sqrt(d u) lmax = 5.6e-5 (measured
    # 2.4e-6; it was bounded by 1e-5 of the trace, 6.3e-4)
    lmax = np.linalg.eigvalsh(np.cov(x, rowvar=False)).max()
    assert abs(distances.frechet_distance(x, x)) < 2 * (64 - 19) * math.sqrt(64 * UNIT_ROUNDOFF["float64"]) * lmax


def _mmd2_unbiased_loops(x, y):
    d = x.shape[1]
    k = lambda a, b: (a @ b / d + 1) ** 3  # noqa: E731
    m = len(x)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2 * xy


def test_kid_equals_the_unbiased_estimator_on_a_tiny_case():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(12, 3)), rng.normal(size=(12, 3)) + 0.2
    mean, std = distances.kernel_distance(x, y, num_subsets=1, subset_size=12)
    # 144-term float64 sums of kernel values <= 81, whose result (0.57) is 15x smaller than its terms: the
    # loops' worst case, 150 u x 15, is 2.5e-13 relative
    assert mean == pytest.approx(_mmd2_unbiased_loops(x, y), rel=1e-10)
    assert std == 0.0


def test_kid_equals_the_elementwise_kernel_formula_on_many_subsets():
    # the cube-by-BLAS sums (distances._cubic_kernel_sum) against the plain elementwise formula, on
    # the same subsets: float64 sums of 250,000 terms agree far below KID's reported digits
    rng = np.random.default_rng(6)
    x, y = np.abs(rng.normal(size=(2000, 32))), np.abs(rng.normal(size=(1500, 32))) + 0.05
    mean, std = distances.kernel_distance(x, y, num_subsets=4, subset_size=500, seed=3)
    draw, values = np.random.default_rng(3), []
    for _ in range(4):
        a, b = x[draw.choice(2000, 500, replace=False)], y[draw.choice(1500, 500, replace=False)]
        kaa, kbb, kab = ((a @ a.T / 32 + 1) ** 3, (b @ b.T / 32 + 1) ** 3, (a @ b.T / 32 + 1) ** 3)
        within = (kaa.sum() - np.trace(kaa) + kbb.sum() - np.trace(kbb)) / (500 * 499)
        values.append(within - 2 * kab.mean())
    assert mean == pytest.approx(np.mean(values), rel=1e-9)
    assert std == pytest.approx(np.std(values), rel=1e-6)


def test_kid_near_zero_for_one_distribution_and_positive_for_two():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(5000, 16)), rng.normal(size=(5000, 16))
    mean, std = distances.kernel_distance(x, y, num_subsets=50, subset_size=500)
    # unbiased: zero within one subset's sd, i.e. 7 standard errors of the mean of 50 (near-independent) ones
    assert abs(mean) < std
    # the biased (V-statistic) estimate would sit well above zero: the left-out diagonal matters, its bias
    # 2 (E k(x, x) - E k(x, y)) / m = 0.029 against a subset's sd 0.005
    a, b = x[:500], y[:500]
    kaa, kbb, kab = ((a @ a.T / 16 + 1) ** 3, (b @ b.T / 16 + 1) ** 3, (a @ b.T / 16 + 1) ** 3)
    assert kaa.mean() + kbb.mean() - 2 * kab.mean() > 3 * std
    shifted_mean, shifted_std = distances.kernel_distance(x, y + 0.5, num_subsets=50, subset_size=500)
    assert shifted_mean > 10 * shifted_std  # a shift is seen: 1.02 against a subset's sd 0.063


def test_classifier_score_extremes():
    k = 10
    one_hot = np.eye(k)[np.arange(1000) % k]
    mean, std = distances.classifier_score(one_hot)
    # float64 means of <= 1000 logs: exact to ~1e-13, far inside approx's default rel 1e-6 and abs 1e-9
    assert mean == pytest.approx(k) and std == pytest.approx(0, abs=1e-9)
    constant = np.tile(np.full(k, 1 / k), (1000, 1))
    assert distances.classifier_score(constant)[0] == pytest.approx(1.0)
    confident_one_class = np.eye(k)[np.zeros(1000, int)]
    assert distances.classifier_score(confident_one_class)[0] == pytest.approx(1.0)
    # two classes equally likely, confident: exp(log 2) = 2
    assert distances.classifier_score(np.eye(k)[np.arange(1000) % 2])[0] == pytest.approx(2.0)
