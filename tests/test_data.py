"""Datasets: the PacGAN mixtures, seeded and resumable streams, tfds images in [-1, 1], offline errors."""
import numpy as np
import pytest
import tensorflow as tf

from zoo import data
from zoo.data import toy
from zoo.errors import UserError


def take(ds, n):
    return [x.numpy() for x in ds.take(n)]


@pytest.mark.parametrize("name, n_modes, radius, std", [("ring", 8, 1.0, 0.01), ("grid", 25, None, 0.05)])
def test_mixtures_follow_pacgan(name, n_modes, radius, std):
    centres, s = toy.MIXTURES[name]
    assert len(centres) == n_modes and s == std
    if radius:  # a cos and a sin rounded, then a norm: a few ulps (6e-8 each)
        np.testing.assert_allclose(np.linalg.norm(centres, axis=1), radius, rtol=1e-6)
    else:
        assert sorted(set(centres.ravel().tolist())) == [-4, -2, 0, 2, 4]
    x = np.concatenate(take(data.load(name, 1000, seed=0), 20))
    d2 = ((x[:, None] - centres[None]) ** 2).sum(-1)
    resid = x - centres[d2.argmin(1)]
    # 40,000 residual coordinates: the sd's standard error is 1 / sqrt(2n) = 0.35%, and 5% is 14 of them
    assert resid.std() == pytest.approx(std, rel=0.05)  # per-coordinate std of each mode
    counts = np.bincount(d2.argmin(1), minlength=n_modes)
    # multinomial counts: 30% below the expected 800 (grid) is 8.7 sd (27.7), 2500 (ring) 16 sd (46.8)
    assert counts.min() > 0.7 * len(x) / n_modes  # modes equally likely


@pytest.mark.parametrize("name, radius, spacing, std", [
    ("ring_unit", 2 / 1.414, None, 0.02 / 1.414),  # WGAN-GP's gan_toy.py: 8 gaussians (radius 2, std 0.02) / 1.414
    ("grid_unit", None, 2 / 2.828, 0.05 / 2.828),  # its 25 gaussians (spacing 2, std 0.05) / 2.828
])
def test_unit_mixtures_are_the_wgan_gp_toy_data(name, radius, spacing, std):
    centres, s = toy.MIXTURES[name]
    # the official code divides by 1.414 and 2.828, we by the exact sqrt(0.5 + 0.01^2), sqrt(8 + 0.05^2): 1e-3
    assert s == pytest.approx(std, rel=1e-3)
    if radius:
        np.testing.assert_allclose(np.linalg.norm(centres, axis=1), radius, rtol=1e-3)
    else:
        np.testing.assert_allclose(np.diff(sorted(set(np.round(centres[:, 0], 5)))), spacing, rtol=1e-3)
    x = np.concatenate(take(data.load(name, 1000, seed=0), 20))
    # unit standard deviation per coordinate; 20,000 draws of a bounded mixture: the sd's error < 1%
    np.testing.assert_allclose(x.std(axis=0), 1.0, rtol=0.02)


def test_the_mode_metrics_read_a_mixture_and_its_unit_version_alike():
    from zoo.metrics import modes

    x = np.concatenate(take(data.load("grid", 500, seed=3), 2))
    scale = toy.MIXTURES["grid_unit"][1] / toy.MIXTURES["grid"][1]
    plain = modes.mode_coverage(x, *toy.MIXTURES["grid"])
    scaled = modes.mode_coverage(x * scale, *toy.MIXTURES["grid_unit"])
    assert plain["modes"] == scaled["modes"] and plain["high_quality"] == pytest.approx(scaled["high_quality"])


def test_swissroll_shape_and_scale():
    x = take(data.load("swissroll", 500, seed=0), 1)[0]
    # the roll reaches 4.5 pi / 7.5 = 1.89 (t sin t at its end); 2.0 leaves 3.4 sd of the 0.033 noise
    assert x.shape == (500, 2) and np.abs(x).max() < 2.0


def test_stream_is_a_function_of_seed_and_resumes_exactly():
    a = take(data.load("grid", 16, seed=4, group=3), 5)
    b = take(data.load("grid", 16, seed=4, group=3), 5)
    c = take(data.load("grid", 16, seed=5, group=3), 1)
    resumed = take(data.load("grid", 16, seed=4, group=3, start=3), 2)
    assert a[0].shape == (16, 3, 2)
    np.testing.assert_array_equal(np.stack(a), np.stack(b))
    assert not np.allclose(a[0], c[0])
    np.testing.assert_array_equal(np.stack(a[3:]), np.stack(resumed))


def test_mnist_batches_in_unit_range_deterministic_and_resumable():
    a = take(data.load("mnist", 8, seed=1, group=2), 3)
    b = take(data.load("mnist", 8, seed=1, group=2, start=2), 1)
    assert a[0].shape == (8, 2, 28, 28, 1) and a[0].dtype == np.float32
    assert a[0].min() >= -1.0 and a[0].max() <= 1.0 and a[0].min() == -1.0
    np.testing.assert_array_equal(a[2], b[0])
    np.testing.assert_array_equal(a[0], take(data.load("mnist", 8, seed=1, group=2), 1)[0])


def test_a_split_is_what_the_stream_draws_from():
    """config.data.split (the BiGAN protocol trains on train[:50000]) reaches tfds: 40 batches of 8 from
    train[:16] hold only those 16 images, each of them."""
    first, _ = data.images.arrays("mnist", "train[:16]")
    seen = np.concatenate(take(data.load("mnist", 8, seed=1, split="train[:16]", download=False), 40))
    keys = lambda x: {im.tobytes() for im in x}  # noqa: E731
    assert keys(seen) == keys(first)


def test_missing_dataset_offline_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    with pytest.raises(UserError, match="cifar10.*not prepared.*TFDS_DATA_DIR"):
        data.load("cifar10", 8, seed=0, download=False)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(UserError, match="unknown dataset 'cifar11'.*mnist.*ring"):
        data.load("cifar11", 8, seed=0)


def test_celeb_a_style_resize_crops_then_scales():
    from zoo.data.images import to_unit_range
    # numpy, not an unseeded tf.random op: under op determinism that raises unless an earlier test set a seed
    img = tf.constant(np.random.default_rng(0).integers(0, 256, (218, 178, 3), dtype=np.uint8))
    out = to_unit_range(img, (64, 64, 3))
    assert out.shape == (64, 64, 3) and float(tf.reduce_min(out)) >= -1 and float(tf.reduce_max(out)) <= 1


def test_binarized_mnist_is_dynamic_seeded_and_resumable():
    a = next(iter(data.load("binarized_mnist", 16, seed=0, download=False))).numpy()
    again = next(iter(data.load("binarized_mnist", 16, seed=0, download=False))).numpy()
    assert set(np.unique(a)) == {-1.0, 1.0} and a.shape == (16, 28, 28, 1)
    np.testing.assert_array_equal(a, again)
    stream = iter(data.load("binarized_mnist", 16, seed=0, download=False))
    next(stream)
    resumed = next(iter(data.load("binarized_mnist", 16, seed=0, start=1, download=False))).numpy()
    np.testing.assert_array_equal(next(stream).numpy(), resumed)
    # the fixed test binarisation: pixel means follow the grey intensities
    grey, _ = data.images.arrays("mnist", "test[:500]")
    binary, _ = data.images.arrays("binarized_mnist", "test[:500]")
    assert set(np.unique(binary)) == {-1.0, 1.0}
    # 392,000 Bernoulli pixels: their mean's sd is <= sqrt(0.25 / n) = 8e-4, and 0.005 is 6 of it
    assert abs(float(((binary + 1) / 2).mean()) - float(((grey + 1) / 2).mean())) < 0.005


def test_four_points_are_one_hot_and_uniform():
    x = next(iter(data.load("four_points", 4000, seed=0))).numpy()
    assert x.shape == (4000, 4) and set(np.unique(x)) == {-1.0, 1.0}
    assert (np.sum(x == 1.0, axis=1) == 1).all()
    counts = np.bincount(np.argmax(x, axis=1), minlength=4)
    assert np.all(np.abs(counts - 1000) < 100)  # 3.7 sd of a multinomial count, sqrt(4000 x 3/16) = 27
