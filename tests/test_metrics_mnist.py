"""The metrics on real MNIST (../shared through TFDS_DATA_DIR): the pinned classifier, FID/KID/score
sanity, Stacked MNIST modes, and the suite's protocol names."""
import os
import shutil

import numpy as np
import pytest

from zoo.data import images
from zoo.errors import UserError
from zoo.metrics import classifier, distances, modes, suite


@pytest.fixture(scope="module")
def mnist():
    test, test_labels = suite.reference("mnist", "test")
    train, train_labels = images.arrays("mnist", "train[:10000]")
    return test, test_labels, train, train_labels


@pytest.fixture(scope="module")
def outputs(mnist):
    test, _, train, _ = mnist
    net = suite.mnist_classifier()
    noise = np.random.default_rng(0).uniform(-1, 1, size=(10_000, 28, 28, 1)).astype(np.float32)
    return net.outputs(test), net.outputs(train), net.outputs(noise)


def test_classifier_checksum_and_accuracy(mnist):
    test, labels, _, _ = mnist
    assert classifier.sha256_of(classifier.WEIGHTS) == classifier.SHA256
    accuracy = classifier.accuracy_of(suite.mnist_classifier(), test, labels)
    assert accuracy >= 0.99  # 0.9932 when the pinned weights were trained


def test_a_modified_weights_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "weights.bin"
    shutil.copy(classifier.WEIGHTS, path)
    blob = bytearray(path.read_bytes())
    blob[1000] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(UserError, match="SHA-256"):
        classifier.load(str(path))
    assert path.read_bytes() == bytes(blob)
    with pytest.raises(UserError, match="missing"):
        classifier.load(str(tmp_path / "absent.bin"))


def test_weights_round_trip_through_the_raw_format(tmp_path):
    net = suite.mnist_classifier()
    digest = classifier.save_weights(net.model, str(tmp_path / "copy.bin"))
    assert digest == classifier.SHA256  # the file format is a pure function of the weights
    again = classifier.load(str(tmp_path / "copy.bin"), sha256=digest)
    x = np.zeros((2, 28, 28, 1), np.float32)
    np.testing.assert_array_equal(again.features(x), net.features(x))


def test_fid_kid_and_score_sanity(outputs):
    (test_f, test_p), (train_f, train_p), (noise_f, noise_p) = outputs
    fid_real = distances.frechet_distance(train_f, test_f)
    fid_noise = distances.frechet_distance(noise_f, test_f)
    assert fid_real < 2.0 and fid_noise > 100 * fid_real  # measured: 0.96 and 555
    kid_real, kid_real_std = distances.kernel_distance(train_f, test_f)
    kid_noise, kid_noise_std = distances.kernel_distance(noise_f, test_f)
    # within one subset's sd: 10 standard errors of the mean of 100 subsets; 0.12 +- 0.84 and 272 +- 7.6
    assert abs(kid_real) < kid_real_std and kid_noise > 10 * kid_noise_std
    assert distances.classifier_score(test_p)[0] > 9.5  # 9.74
    assert distances.classifier_score(noise_p)[0] < 3.0  # 1.47


def test_stacked_mnist_real_data_covers_all_modes():
    stacked, labels = images.arrays("stacked_mnist", "train[:26000]")
    assert stacked.shape == (26_000, 28, 28, 3) and labels.max() < 1000
    read = modes.stacked_labels(suite.mnist_classifier(), stacked)
    assert (read == labels).mean() > 0.97  # three digits right: 0.988 on train
    result = modes.stacked_modes(read)
    # 26,000 draws over 1,000 equal modes: E[KL] = (K - 1) / 2N = 0.019, sd 9e-4; 0.05 leaves room for
    # MNIST's unequal digit counts and the 1.2% misreads
    assert result["modes"] == 1000 and result["kl"] < 0.05


def test_stacked_mode_counting_on_constructed_labels():
    # float64 KLs over <= 1000 bins: exact to ~1e-13, inside pytest.approx's default rel 1e-6 and abs 1e-12
    every = np.arange(1000).repeat(26)
    assert modes.stacked_modes(every) == dict(modes=1000, kl=pytest.approx(0.0, abs=1e-12))
    one = np.full(26_000, 417)
    assert modes.stacked_modes(one) == dict(modes=1, kl=pytest.approx(np.log(1000)))
    half = np.arange(500).repeat(52)
    assert modes.stacked_modes(half) == dict(modes=500, kl=pytest.approx(np.log(2)))


def test_stacked_labels_read_each_channel(mnist):
    test, labels, _, _ = mnist
    idx = [np.flatnonzero(labels == d)[0] for d in (3, 0, 9)]  # one clean example per digit
    image = np.concatenate([test[i] for i in idx], axis=-1)[None]
    assert modes.stacked_labels(suite.mnist_classifier(), image).tolist() == [309]


def test_suite_names_carry_the_protocol(mnist):
    _, _, train, _ = mnist
    metrics = suite.sample_metrics(train[:1000], "mnist")
    assert set(metrics) == {"fid1k_test", "kid1k_test", "kid1k_test_std", "cs1k", "cs1k_std",
                            "parzen1k", "parzen1k_se", "parzen1k_sigma"}
    assert metrics["fid1k_test"] < 10 and metrics["cs1k"] > 9
    assert 0.1 <= metrics["parzen1k_sigma"] <= 1.0
    assert set(suite.sample_metrics(np.zeros((2500, 2)), "ring")) == {"modes2500", "high_quality2500",
                                                                       "reverse_kl2500"}
    assert suite.tag(10_000) == "10k" and suite.tag(26_000) == "26k" and suite.tag(2500) == "2500"


def test_inception_fails_offline_with_one_sentence(monkeypatch, tmp_path):
    from zoo.metrics import inception

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(inception, "online", lambda: False)
    with pytest.raises(UserError, match="cannot be downloaded without a network"):
        inception.load()
    assert not os.listdir(tmp_path)
