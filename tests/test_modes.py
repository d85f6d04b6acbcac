"""PacGAN mode metrics on constructed sample sets with known answers."""
import math

import numpy as np
import pytest

from zoo.data import toy
from zoo.metrics.modes import mode_coverage

CENTRES, STD = toy.MIXTURES["ring"]
# The KLs below are float64 sums of <= 8 terms: exact to ~1e-15, far inside pytest.approx's default rel 1e-6.


def test_perfect_samples_cover_every_mode_uniformly():
    x = np.repeat(CENTRES, 10, axis=0)
    r = mode_coverage(x, CENTRES, STD)
    assert r == dict(modes=8, high_quality=1.0, reverse_kl=pytest.approx(0.0, abs=1e-12))


def test_collapse_to_one_mode_has_reverse_kl_log_m():
    x = CENTRES[[2]] + np.zeros((50, 2))
    r = mode_coverage(x, CENTRES, STD)
    assert r["modes"] == 1 and r["reverse_kl"] == pytest.approx(math.log(8))


def test_three_std_boundary_and_low_quality_samples():
    inside = CENTRES[0] + np.array([2.9 * STD, 0.0])
    outside = CENTRES[1] + np.array([0.0, 3.1 * STD])
    r = mode_coverage(np.stack([inside, outside]), CENTRES, STD)
    assert r["modes"] == 1 and r["high_quality"] == 0.5


def test_no_high_quality_sample():
    r = mode_coverage(np.zeros((10, 2)), CENTRES, STD)
    assert r == dict(modes=0, high_quality=0.0, reverse_kl=None)


def test_histogram_kl_closed_form():
    # 3 samples on mode 0, 1 on mode 1: q = (3/4, 1/4); KL(q || U_8) = sum q log(8 q)
    x = CENTRES[[0, 0, 0, 1]]
    want = 0.75 * math.log(8 * 0.75) + 0.25 * math.log(8 * 0.25)
    assert mode_coverage(x, CENTRES, STD)["reverse_kl"] == pytest.approx(want)
