"""Encoder metrics on constructed codes with known answers, and on MNIST pixels as codes."""
import numpy as np
import pytest

from tests.tolerances import rounding
from zoo.data import images
from zoo.metrics import encoder, suite


def _clusters(rng, n, k=10, d=8, spread=0.1):
    labels = rng.integers(0, k, n)
    centres = np.eye(k, d) * 3 if d >= k else rng.normal(size=(k, d)) * 3
    return centres[labels] + spread * rng.normal(size=(n, d)), labels


def test_separable_codes_score_one_and_random_codes_score_chance():
    rng = np.random.default_rng(0)
    train, train_labels = _clusters(rng, 3000, d=12)
    test, test_labels = _clusters(rng, 1000, d=12)
    assert encoder.nearest_neighbour_accuracy(train, train_labels, test, test_labels) == 1.0
    assert encoder.linear_probe_accuracy(train, train_labels, test, test_labels, epochs=5) == 1.0
    noise_train, noise_test = rng.normal(size=(3000, 12)), rng.normal(size=(1000, 12))
    # chance is 0.1; over 1,000 test codes its sd is 0.0095, so 0.15 is 5 sd above it
    assert encoder.nearest_neighbour_accuracy(noise_train, train_labels, noise_test, test_labels) < 0.15
    assert encoder.linear_probe_accuracy(noise_train, train_labels, noise_test, test_labels, epochs=5) < 0.15


def test_nearest_neighbour_is_exact():
    rng = np.random.default_rng(1)
    train, test = rng.normal(size=(500, 5)), rng.normal(size=(300, 5))
    train_labels, test_labels = rng.integers(0, 3, 500), rng.integers(0, 3, 300)
    nearest = ((test[:, None] - train[None]) ** 2).sum(-1).argmin(1)
    want = (train_labels[nearest] == test_labels).mean()
    assert encoder.nearest_neighbour_accuracy(train, train_labels, test, test_labels, block=64) == want


def test_linear_probe_needs_a_linear_rule():
    """XOR-labelled codes: 1-NN solves them, a linear probe cannot (near chance)."""
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, size=(4000, 2))
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int)
    assert encoder.nearest_neighbour_accuracy(x[:3000], y[:3000], x[3000:], y[3000:]) > 0.95
    assert encoder.linear_probe_accuracy(x[:3000], y[:3000], x[3000:], y[3000:], epochs=5) < 0.7


class _PixelCodes:
    """A stand-in encoder model: its features (what 1-NN and the probe compare, the squashed BiGAN's
    logits) are the pixels; its code is constant, so metrics read from encode() would fall to chance;
    reconstruct(x) blurs x by halving it."""

    def features(self, x):
        return np.asarray(x).reshape(len(x), -1)

    def encode(self, x):
        return np.zeros([len(x), 2], np.float32)

    def reconstruct(self, x):
        return np.asarray(x) / 2


def test_encoder_metrics_on_mnist_pixels():
    train, train_labels = images.arrays("mnist", "train[:10000]")
    test, test_labels = images.arrays("mnist", "test[:1000]")
    metrics = encoder.encoder_metrics(_PixelCodes(), train, train_labels, test, test_labels)
    assert set(metrics) == {"recon_mse_test", "nn1_acc_test", "probe_acc_test"}
    want_mse = (((test - test / 2) / 2) ** 2).mean()
    # the metric is float64 and exact here; the reference is float32: its squares (1 u) and numpy's pairwise
    # sum of 784,000 positive terms (<= ~30 u at worst)
    assert metrics["recon_mse_test"] == pytest.approx(want_mse, rel=rounding("float32", 30, 1.0))
    assert 0.9 < metrics["nn1_acc_test"] < 0.99  # pixel 1-NN on MNIST: about 0.95 with 10k references
    assert 0.8 < metrics["probe_acc_test"] < 0.95  # linear on pixels: about 0.9


def test_encoder_examples_take_the_first_images_of_each_split_and_say_so_in_the_names():
    """eval.encoder_examples = n: the encoder metrics of the first n images of each split (train, test,
    and the BiGAN protocol's train[:50000] and train[50000:]), under names that carry n."""
    metrics = suite.encoder_suite(_PixelCodes(), "mnist", examples=1000)
    assert set(metrics) == {"recon_mse_first1k_test", "nn1_acc_first1k_test", "probe_acc_first1k_test",
                            "nn1_acc_first1k_val"}
    train, train_labels = images.arrays("mnist", "train[:1000]")
    test, test_labels = images.arrays("mnist", "test[:1000]")
    want = encoder.encoder_metrics(_PixelCodes(), train, train_labels, test, test_labels)
    for key, value in want.items():  # the same computation on the same images: equal
        assert metrics[key.replace("_test", "_first1k_test")] == value, key
    validation, validation_labels = images.arrays("mnist", "train[50000:51000]")
    pixels = _PixelCodes().features
    assert metrics["nn1_acc_first1k_val"] == encoder.nearest_neighbour_accuracy(
        pixels(train), train_labels, pixels(validation), validation_labels)
    assert 0.8 < metrics["nn1_acc_first1k_val"] < 0.95  # pixel 1-NN with 1k references: about 0.88
