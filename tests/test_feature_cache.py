"""The on-disk cache of reference features (zoo.metrics.feature_cache): keyed by network and images,
robust to a damaged entry and to a directory it cannot write."""
import os

import numpy as np
import pytest

from zoo.metrics import feature_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_ZOO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "features"


def counting(result):
    calls = []

    def compute():
        calls.append(1)
        return result

    return compute, calls


def test_a_second_process_reads_what_the_first_computed(cache):
    images = np.linspace(-1, 1, 2 * 28 * 28, dtype=np.float32).reshape(2, 28, 28, 1)
    result = (np.arange(6, dtype=np.float32).reshape(2, 3), np.full((2, 10), 0.1, np.float32))
    compute, calls = counting(result)
    first = feature_cache.outputs("net-a", images, compute)
    second = feature_cache.outputs("net-a", images.copy(), compute)
    assert len(calls) == 1 and len(os.listdir(cache)) == 1
    for a, b in zip(first + second, result + result):
        np.testing.assert_array_equal(a, b)
    # other weights, or images differing in one value, are other entries
    feature_cache.outputs("net-b", images, compute)
    changed = images.copy()
    changed[1, 5, 5, 0] += 1e-3
    feature_cache.outputs("net-a", changed, compute)
    assert len(calls) == 3 and len(os.listdir(cache)) == 3


def test_a_damaged_entry_is_recomputed_and_rewritten(cache):
    images = np.zeros((1, 28, 28, 1), np.float32)
    result = (np.ones((1, 3), np.float32), np.ones((1, 10), np.float32))
    compute, calls = counting(result)
    feature_cache.outputs("net", images, compute)
    (entry,) = cache.iterdir()
    entry.write_bytes(entry.read_bytes()[:50])
    np.testing.assert_array_equal(feature_cache.outputs("net", images, compute)[0], result[0])
    feature_cache.outputs("net", images, compute)
    assert len(calls) == 2  # recomputed once, then read again


def test_a_directory_it_cannot_write_costs_only_the_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GAN_ZOO_CACHE", str(blocker))
    compute, calls = counting((np.ones((1, 3)), np.ones((1, 10))))
    feature_cache.outputs("net", np.zeros((1, 2), np.float32), compute)
    feature_cache.outputs("net", np.zeros((1, 2), np.float32), compute)
    assert len(calls) == 2 and blocker.read_text() == "not a directory"
