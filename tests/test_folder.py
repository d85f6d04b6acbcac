"""A folder of one's own images as a dataset (zoo.data.folder): formats, shapes, crop policy, bad
files, resumable streams, and a run of the trainer on it."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from zoo import data
from zoo.errors import UserError


def picture(path, size, colour, mode="RGB", fmt=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.new(mode, size, colour).save(path, format=fmt)


@pytest.fixture
def folder(tmp_path):
    """12 images in 3 formats, 2 sizes, 2 subfolders; one unreadable file, one text file."""
    root = tmp_path / "pictures"
    for i in range(4):
        picture(str(root / f"a{i}.png"), (40, 30), (255, 0, 0))
        picture(str(root / "sub" / f"b{i}.jpg"), (32, 32), (0, 0, 255))
        picture(str(root / "sub" / "deeper" / f"c{i}.webp"), (32, 32), (0, 255, 0), fmt="WEBP")
    (root / "broken.png").write_bytes(b"not a png")
    (root / "notes.txt").write_text("not an image")
    return str(root)


def spec(path, **options):
    return dict(name="folder", path=path, **options)


def test_every_format_is_read_and_bad_files_are_skipped_and_counted(folder):
    o = data.folder_options(spec(folder, image_size=16))
    read = data.folder.read(o)
    assert read.images.shape == (12, 16, 16, 3) and read.images.dtype == np.uint8
    assert [os.path.basename(p) for p in read.skipped] == ["broken.png"] and read.sizes == 2
    assert "12 images" in read.describe(o) and "1 unreadable file(s) skipped, the first broken.png" in read.describe(o)
    colours = {tuple(im[8, 8]) for im in read.images}  # WebP and JPEG are lossy: within a few levels
    assert len(colours) == 3 and all(max(c) >= 250 and sorted(c)[1] <= 5 for c in colours)


def test_centre_crop_keeps_the_middle_and_stretch_keeps_everything(tmp_path):
    im = np.zeros((20, 60, 3), np.uint8)
    im[:, 20:40] = 255  # a white square in the middle of a black 3:1 picture
    os.makedirs(tmp_path / "wide")
    Image.fromarray(im).save(tmp_path / "wide" / "x.png")
    crop = data.folder.read(data.folder_options(spec(str(tmp_path / "wide"), image_size=10))).images[0]
    assert crop.min() == 255  # the centred square is all white
    stretch = data.folder.read(data.folder_options(spec(str(tmp_path / "wide"), image_size=12,
                                                         resize="stretch"))).images[0]
    np.testing.assert_array_equal(stretch[:, :4], 0)  # the left third stays black
    np.testing.assert_array_equal(stretch[:, 4:8], 255)


def test_grey_and_transparent_images(tmp_path):
    picture(str(tmp_path / "f" / "rgba.png"), (8, 8), (255, 255, 255, 0), mode="RGBA")
    picture(str(tmp_path / "f" / "grey.png"), (8, 8), 128, mode="L")
    x = data.folder.read(data.folder_options(spec(str(tmp_path / "f"), image_size=8, channels=1))).images
    assert x.shape == (2, 8, 8, 1)
    np.testing.assert_array_equal(np.sort(x[:, 0, 0, 0]), [0, 128])  # transparent -> black


def test_stream_is_scaled_seeded_and_resumable(folder):
    d = spec(folder, image_size=16)
    assert data.data_shape(d) == (16, 16, 3)
    a = [x.numpy() for x in data.load(d, 4, seed=3, group=2).take(3)]
    b = [x.numpy() for x in data.load(d, 4, seed=3, group=2, start=2).take(1)]
    assert a[0].shape == (4, 2, 16, 16, 3) and a[0].min() >= -1.0 and a[0].max() == 1.0
    np.testing.assert_array_equal(a[2], b[0])
    reference = data.folder.reference(data.folder_options(d), n=5)
    assert reference.shape == (5, 16, 16, 3) and reference.dtype == np.float32


@pytest.mark.parametrize("options, message", [
    (dict(path=""), "data.name='folder' needs data.path"),
    (dict(path="/nonexistent/pictures"), "data.path /nonexistent/pictures does not exist"),
    (dict(image_size=2), r"data.image_size must be an integer in \[4, 1024\]"),
    (dict(channels=4), "data.channels must be 1 \\(grey\\) or 3 \\(RGB\\), not 4"),
    (dict(resize="pad"), "unknown data.resize 'pad'; choose one of: center_crop, stretch"),
])
def test_bad_options_are_one_sentence(folder, options, message):
    with pytest.raises(UserError, match=message):
        data.data_shape(dict(dict(name="folder", path=folder), **options))


def test_empty_and_unreadable_folders_and_misplaced_keys(tmp_path):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(UserError, match="holds no images \\(png, jpg, jpeg, webp, bmp, gif files"):
        data.folder.read(data.folder_options(spec(str(tmp_path / "empty"))))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.raises(UserError, match="none of the 1 image files under data.path .* could be read"):
        data.folder.read(data.folder_options(spec(str(tmp_path / "bad"))))
    with pytest.raises(UserError, match="data.path describes a folder of images \\(data.name='folder'\\), not "
                                        "dataset 'mnist'"):
        data.data_shape(dict(name="mnist", path=str(tmp_path)))


@pytest.mark.parametrize("config, overrides, shape", [
    ("nsgan_mnist", ["--config.data.image_size=32", "--config.nets.generator.width=8",
                     "--config.nets.discriminator.width=8"], [32, 32, 3]),
    ("vae_mnist", ["--config.data.image_size=28", "--config.data.channels=1"], [28, 28, 1]),
    ("bigan_mnist", ["--config.data.image_size=28", "--config.data.channels=1", "--config.data.split=train",
                     "--strategy=mirrored", "--cpu_replicas=2", "--config.nets.generator.width=16",
                     "--config.nets.encoder.width=16", "--config.nets.discriminator.width=16"],
     [28, 28, 1]),
])
def test_the_trainer_runs_on_a_folder_and_exports(folder, tmp_path, config, overrides, shape):
    """Any model family trains on a folder from the CLI (the BiGAN on 2 mirrored replicas): a note on
    what was read, no FID (and why), samples, an export whose metadata says what the data were."""
    workdir = str(tmp_path / "run")
    cmd = [sys.executable, "-m", "train", f"--config=configs/{config}.py", f"--workdir={workdir}",
           "--config.data.name=folder", f"--config.data.path={folder}", "--config.steps=4",
           "--config.log_every=2", "--config.data.batch_size=8", "--config.eval.num_samples=16", *overrides]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"data: 12 images from {folder} (2 sizes, centre-cropped to squares and resized" in done.stdout
    assert "1 unreadable file(s) skipped, the first broken.png" in done.stdout
    assert "note: no FID or KID for data.name='folder' with eval.features='classifier'" in done.stderr
    metadata = json.load(open(os.path.join(workdir, "export", "metadata.json")))
    assert metadata["data"]["name"] == "folder" and metadata["data_shape"] == shape
    assert os.listdir(os.path.join(workdir, "samples"))


def test_without_the_inception_weights_a_folder_run_has_no_fid_and_says_why(folder, monkeypatch):
    from zoo.metrics import inception, suite

    monkeypatch.setattr(inception, "available", lambda: False)
    monkeypatch.setitem(suite._CACHE, "inception_available", False)
    d = spec(folder, image_size=16)
    assert "needs Keras's Inception-v3 weights" in suite.missing(d, "inception")
    assert "eval.features='inception' computes them" in suite.missing(d, "classifier")
    assert suite.missing("mnist", "classifier") is None and suite.missing("ring", "inception") is None
    samples = np.zeros((8, 16, 16, 3), np.float32)
    assert suite.sample_metrics(samples, d, "inception") == {} == suite.sample_metrics(samples, d, "classifier")


def test_with_inception_features_a_folder_is_compared_with_its_own_images(folder, monkeypatch):
    """The wiring of the folder's FID (a stand-in feature net: the real weights need a download):
    the folder's images against themselves give FID 0."""
    from zoo.metrics import suite

    class MeanColour:  # features: the mean colour; probabilities: two classes
        def outputs(self, x):
            f = np.asarray(x, np.float64).mean(axis=(1, 2))
            return f, np.full((len(x), 2), 0.5)

    monkeypatch.setitem(suite._CACHE, "inception_available", True)
    monkeypatch.setitem(suite._CACHE, "inception", MeanColour())
    d = spec(folder, image_size=16)
    real = data.folder.reference(data.folder_options(d))
    out = suite.sample_metrics(real, d, "inception")
    assert sorted(out) == ["fid12_folder_inception", "is12", "is12_std", "kid12_folder_inception",
                           "kid12_folder_inception_std"]
    assert abs(out["fid12_folder_inception"]) < 1e-6
    assert suite.sample_metrics(-real, d, "inception")["fid12_folder_inception"] > 0.1
