"""Export of every model family: Keras vs SavedModel vs onnxruntime, the TF-free CLIs, checksums.

Families: GAN (non-saturating, WGAN-GP), GAN with a Tempered lens, BiGAN, ALI, AGE, AVB, VAE
(small BN-free nets from tests.helpers, trained 3 steps); the DCGAN/batch-norm exports of the real
configs are checked the same way in tests/test_train.py. Measured here (max absolute difference
over batch sizes 1, 7 and 64, every signature and ONNX file): GAN, WGAN-GP, GAN + lens, BiGAN, ALI
0.0; AGE 1.2e-7; AVB and VAE 2.4e-7. The bounds come from the nets' sums, not from these.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import onnxruntime as ort
import pytest
import tensorflow as tf

from export import encode as encode_cli
from export import lib as export_lib
from export import sample as sample_cli
from tests.helpers import encoder_data, encoder_model, fit, fit_encoder_model, image_bigan_export, toy_gan
from tests.tolerances import reorder, sampling
from zoo_core import files as zoo_files

# float32 on every side, the sums in other orders (Keras's kernels, a SavedModel graph's, onnxruntime's):
# <= 8 chained sums (reconstruct: E, AGE's normalisation, G) of <= 32 terms (widths 32), every layer's
# sum |w h| + |b| <= 5 (4.2: AGE's G on 8-d normal z; these nets' weights, not the CPU): 1.6e-4
ATOL = reorder(32, 5.0, depth=8)
ENCODER_FAMILIES = ("bigan", "ali", "age", "avb", "vae")
FAMILIES = ("gan", "wgangp", "gan_lens") + ENCODER_FAMILIES


def _build(family):
    strategy = tf.distribute.get_strategy()
    if family in ENCODER_FAMILIES:
        model = encoder_model(family, strategy)
        fit_encoder_model(model, family, 3)
        return model, "four_points" if family in ("avb", "vae") else "ring"
    options = dict(gan={}, wgangp=dict(objective="wasserstein", n_critic=5, gp_weight=10.0),
                   gan_lens=dict(lens_k=10))[family]
    model = toy_gan(strategy, **options)
    fit(model, 3)
    return model, "ring"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = {}
    for family in FAMILIES:
        model, data_name = _build(family)
        directory = str(tmp_path_factory.mktemp(family) / "export")
        info = dict(data=export_lib.data_info(data_name), model=family, objective=None, config=family,
                    steps=3, metrics={})
        out[family] = (model, directory, export_lib.export(model, directory, info), data_name)
    return out


def _x(data_name, batch):
    return next(iter(encoder_data("vae" if data_name == "four_points" else "bigan", batch, data_seed=batch))).numpy()


@pytest.mark.parametrize("family", FAMILIES)
def test_keras_savedmodel_and_onnx_agree(exported, family):
    model, directory, meta, data_name = exported[family]
    saved = tf.saved_model.load(os.path.join(directory, "saved_model"))
    generator = ort.InferenceSession(os.path.join(directory, "generator.onnx"))
    has_encoder = family in ENCODER_FAMILIES
    assert set(saved.signatures) == ({"serving_default", "sample"} | ({"encode", "reconstruct"} if has_encoder else set()))
    assert os.path.exists(os.path.join(directory, "encoder.onnx")) == has_encoder
    encoder = ort.InferenceSession(os.path.join(directory, "encoder.onnx")) if has_encoder else None
    for batch in (1, 7, 64):
        z = np.random.default_rng(batch).normal(size=(batch, model.latent_dim)).astype(np.float32)
        want = model.generate(z).numpy()
        for signature in ("serving_default", "sample"):
            np.testing.assert_allclose(saved.signatures[signature](z=tf.constant(z))["x"].numpy(), want, atol=ATOL)
        np.testing.assert_allclose(generator.run(["x"], {"z": z})[0], want, atol=ATOL)
        if has_encoder:
            x = _x(data_name, batch)
            codes = model.encode(x).numpy()
            np.testing.assert_allclose(saved.signatures["encode"](x=tf.constant(x))["z"].numpy(), codes, atol=ATOL)
            np.testing.assert_allclose(encoder.run(["z"], {"x": x})[0], codes, atol=ATOL)
            np.testing.assert_allclose(saved.signatures["reconstruct"](x=tf.constant(x))["x"].numpy(),
                                       model.reconstruct(x).numpy(), atol=ATOL)
    # only the exported networks' variables: no critic, lens, adversary or optimizer state
    exported_nets = [model.generator] + ([model.encoder] if has_encoder else [])
    assert len(saved.variables) == sum(len(n.variables) for n in exported_nets)


@pytest.mark.parametrize("family", ["gan_lens", "age"])
def test_metadata_describes_the_artifacts(exported, family):
    model, directory, meta, _ = exported[family]
    on_disk = json.load(open(os.path.join(directory, "metadata.json")))
    assert on_disk == json.loads(json.dumps(meta))
    files = sorted(os.path.relpath(os.path.join(d, f), directory) for d, _, fs in os.walk(directory) for f in fs)
    assert sorted(meta["artifacts"]) == [f for f in files if f not in ("metadata.json", "metadata.json.sha256")]
    digest = open(os.path.join(directory, "metadata.json.sha256")).read().split()
    assert digest == [zoo_files.sha256(os.path.join(directory, "metadata.json")), "metadata.json"]  # sha256sum's format
    assert meta["latent_dim"] == model.latent_dim and meta["data_shape"] == list(model.data_shape)
    if family == "age":
        assert meta["prior"] == dict(name="sphere", radius=1.0) and "sphere" in meta["encoder"]
        assert meta["signatures"]["encode"] == dict(inputs=dict(x=dict(shape=[None, 2], dtype="float32")),
                                                    outputs=dict(z=dict(shape=[None, 8], dtype="float32")))
        assert meta["onnx"]["encoder.onnx"] == dict(input="x", output="z")
    else:
        assert meta["encoder"] is None and "encoder.onnx" not in meta["onnx"]
    assert {"tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime"} <= set(meta["versions"])


def test_savedmodel_loads_as_a_keras_layer_and_in_saved_model_cli(exported):
    model, directory, _, data_name = exported["bigan"]
    path = os.path.join(directory, "saved_model")
    x = _x(data_name, 7)
    layer = keras.layers.TFSMLayer(path, call_endpoint="encode")
    np.testing.assert_allclose(layer(x)["z"], model.encode(x), atol=ATOL)
    shown = subprocess.run(["saved_model_cli", "show", "--dir", path, "--all"], capture_output=True, text=True,
                           timeout=300)
    assert shown.returncode == 0, shown.stderr
    for name in ("serving_default", "sample", "encode", "reconstruct"):
        assert f"signature_def['{name}']" in shown.stdout
    assert "inputs['x'] tensor_info" in shown.stdout and "outputs['z'] tensor_info" in shown.stdout


def test_export_formats(exported, tmp_path):
    model, _, _, data_name = exported["vae"]
    info = dict(data=export_lib.data_info(data_name), model="vae", objective=None, config="vae", steps=3, metrics={})
    meta = export_lib.export(model, str(tmp_path / "onnx"), info, formats=("onnx",))
    assert sorted(os.listdir(tmp_path / "onnx")) == ["encoder.onnx", "generator.onnx", "metadata.json", "metadata.json.sha256"]
    assert meta["signatures"] == {}
    export_lib.export(model, str(tmp_path / "sm"), info, formats=("saved_model",))
    assert sorted(os.listdir(tmp_path / "sm")) == ["metadata.json", "metadata.json.sha256", "saved_model"]
    from zoo.errors import UserError
    with pytest.raises(UserError, match="unknown export format tflite; choose from: saved_model, onnx"):
        export_lib.export(model, str(tmp_path / "bad"), info, formats=("tflite",))
    assert not (tmp_path / "bad").exists()


# --- the TF-free command lines ---------------------------------------------------------------
NO_TF = ("import sys; from export import {module} as m; rc = m.main(sys.argv[1:]);"
         "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF';"
         "sys.exit(rc)")


def run_cli(module, args, cwd):
    return subprocess.run([sys.executable, "-c", NO_TF.format(module=module), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def image_bigan(tmp_path_factory):
    """An untrained BiGAN on 28x28x1 images (MLP nets), exported: for the PNG input of export.encode."""
    directory = tmp_path_factory.mktemp("image_bigan") / "export"
    return image_bigan_export(directory), directory


def test_encode_cli_npy_and_png_folder_without_tensorflow(image_bigan, tmp_path):
    from PIL import Image

    model, directory = image_bigan
    atol = reorder(784, 20.0, depth=2)  # its encoder: 784 -> 16 -> 4 on pixels, sum |w x| <= 18.2: 8.0e-4
    pixels = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    folder = tmp_path / "pngs"
    folder.mkdir()
    for i, p in enumerate(pixels):
        Image.fromarray(p).save(folder / f"{i:03d}.png")
    x = (pixels[..., None].astype(np.float32) / 127.5 - 1.0)
    np.save(tmp_path / "x.npy", x)
    want = model.encode(x).numpy()
    for source in (tmp_path / "x.npy", folder):
        result = run_cli("encode", [directory, f"--input={source}", f"--out={tmp_path / 'codes.npy'}",
                                    "--batch_size=2"], tmp_path)
        assert result.returncode == 0, result.stderr
        np.testing.assert_allclose(np.load(tmp_path / "codes.npy"), want, atol=atol)


def test_sample_cli_equals_the_in_process_generator_without_tensorflow(exported, tmp_path):
    model, directory, meta, _ = exported["bigan"]  # a uniform prior
    result = run_cli("sample", [directory, "--num=9", "--seed=4", f"--out={tmp_path / 'x.npy'}"], tmp_path)
    assert result.returncode == 0, result.stderr
    z = sample_cli.draw_prior(meta["prior"], 9, model.latent_dim, 4)
    np.testing.assert_allclose(np.load(tmp_path / "x.npy"), model.generate(z).numpy(), atol=ATOL)


def test_truncation_draws_inside_the_bound():
    prior = dict(name="normal", loc=0.0, scale=1.0)
    z = sample_cli.draw_prior(prior, 2000, 8, seed=0, truncation=0.5)
    a = 0.5  # N(0, 1) cut at +-a has variance 1 - 2a phi(a) / (2 Phi(a) - 1): sd 0.2839
    sd = math.sqrt(1 - 2 * a * math.exp(-a * a / 2) / math.sqrt(2 * math.pi) / math.erf(a / math.sqrt(2)))
    # the sd of 16,000 draws has standard error sd sqrt((kurtosis - 1) / 4n) (kurtosis 1.83): 1.0e-3, x 5
    assert np.abs(z).max() <= 0.5 and z.std() == pytest.approx(sd, abs=sampling(sd * math.sqrt(0.83), 4 * z.size, k=5))
    with pytest.raises(sample_cli.ExportError, match="applies to a normal prior; this export's prior is 'sphere'"):
        sample_cli.draw_prior(dict(name="sphere", radius=1.0), 4, 8, seed=0, truncation=1.0)


def _error(capsys, module, args):
    assert module.main([str(a) for a in args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_encode_cli_refuses_bad_input_with_one_sentence(exported, image_bigan, tmp_path, capsys):
    _, directory, _, _ = exported["bigan"]
    good = _x("ring", 4)
    cases = {
        "wrong_shape.npy": (np.zeros((4, 3), np.float32), r"has shape \(4, 3\); this export encodes \[N, 2\]"),
        "one.npy": (good[0], r"one example of shape \(2,\); add the batch axis"),
        "ints.npy": (np.zeros((4, 2), np.int64), "holds int64 values; the encoder takes floats"),
        "nan.npy": (np.full((4, 2), np.nan, np.float32), "NaN or infinite"),
    }
    for name, (array, message) in cases.items():
        np.save(tmp_path / name, array)
        assert message and __import__("re").search(message, _error(capsys, encode_cli, [directory, f"--input={tmp_path / name}"]))
    _, image_dir = image_bigan
    np.save(tmp_path / "range.npy", np.full((2, 28, 28, 1), 255.0, np.float32))
    assert "values in [255, 255]; this export's data are in [-1, 1]" in _error(
        capsys, encode_cli, [image_dir, f"--input={tmp_path / 'range.npy'}"])
    gan_dir = exported["gan"][1]
    assert "holds a 'gan' model, which has no encoder" in _error(capsys, encode_cli, [gan_dir, f"--input={tmp_path / 'one.npy'}"])
    assert "must be an existing .npy file or a folder" in _error(capsys, encode_cli, [directory, "--input=nope.txt"])
    assert not (tmp_path / "codes.npy").exists()
    pngs = tmp_path / "pngs"
    pngs.mkdir()
    (pngs / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))  # a truncated PNG
    assert f"{pngs / 'a.png'} is not a readable PNG image" in _error(
        capsys, encode_cli, [image_dir, f"--input={pngs}", f"--out={tmp_path / 'c.npy'}"])
    assert f"the folder of --out, {tmp_path / 'no'}, does not exist" in _error(
        capsys, encode_cli, [directory, f"--input={tmp_path / 'one.npy'}", f"--out={tmp_path / 'no' / 'c.npy'}"])
    np.save(tmp_path / "unit.npy", np.full((2, 28, 28, 1), 0.5, np.float32))  # [0, 1] images: encoded, with a note
    assert encode_cli.main([str(image_dir), f"--input={tmp_path / 'unit.npy'}", f"--out={tmp_path / 'u.npy'}"]) == 0
    assert "note: every value of" in capsys.readouterr().err and (tmp_path / "u.npy").exists()


def test_sample_cli_refuses_bad_input_with_one_sentence_and_streams_npy(exported, tmp_path, capsys, monkeypatch):
    _, directory, _, _ = exported["gan"]
    for args, message in [
        (["--seed=-1"], "--seed must be a non-negative integer, not -1"),
        (["--truncation=1e-9"], "--truncation must be at least 0.01 (standard deviations), not 1e-09"),
        (["--num=10001", f"--out={tmp_path / 'g.png'}"], "--num=10001 is too many images for one picture"),
        ([f"--out={tmp_path / 'no' / 'x.npy'}"], f"the folder of --out, {tmp_path / 'no'}, does not exist"),
    ]:
        assert message in _error(capsys, sample_cli, [directory, *args])
    monkeypatch.setattr(sample_cli, "CHUNK", 7)  # several chunks: the streamed file equals the in-memory samples
    assert sample_cli.main([str(directory), "--num=30", "--seed=4", f"--out={tmp_path / 'x.npy'}"]) == 0
    assert np.array_equal(np.load(tmp_path / "x.npy"), sample_cli.sample(str(directory), 30, 4)[0])
    assert os.listdir(tmp_path) == ["x.npy"]


def test_a_tampered_artifact_is_refused(exported, tmp_path, capsys):
    _, directory, _, _ = exported["bigan"]
    copy = tmp_path / "export"
    shutil.copytree(directory, copy)
    for name in ("encoder.onnx", "generator.onnx"):
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (copy / name).write_bytes(bytes(data))
    np.save(tmp_path / "x.npy", _x("ring", 4))
    assert "encoder.onnx does not match the SHA-256" in _error(capsys, encode_cli, [copy, f"--input={tmp_path / 'x.npy'}"])
    assert "generator.onnx does not match the SHA-256" in _error(capsys, sample_cli, [copy, f"--out={tmp_path / 'x2.npy'}"])
    os.remove(copy / "encoder.onnx")
    assert "has no encoder.onnx" in _error(capsys, encode_cli, [copy, f"--input={tmp_path / 'x.npy'}"])


def test_an_edited_metadata_json_is_refused(exported, tmp_path, capsys):
    """metadata.json says how z is drawn: an edit of the prior's scale would change every sample."""
    _, directory, _, _ = exported["gan"]
    copy = tmp_path / "export"
    shutil.copytree(directory, copy)
    meta = json.loads((copy / "metadata.json").read_text())
    meta["prior"]["scale"] = 2.0
    (copy / "metadata.json").write_text(json.dumps(meta, indent=2))
    assert _error(capsys, sample_cli, [copy, f"--out={tmp_path / 'x.npy'}"]) == (
        f"error: {copy}/metadata.json cannot be used: it does not match its SHA-256 (edited, truncated or corrupted); "
        f"re-export with python -m train.export --workdir=DIR")
    os.remove(copy / "metadata.json.sha256")  # an export from before the checksum: read as it is
    (copy / "metadata.json").write_text("{")
    assert _error(capsys, sample_cli, [copy, f"--out={tmp_path / 'x.npy'}"]).startswith(
        f"error: {copy}/metadata.json is not valid JSON (")
    assert not (tmp_path / "x.npy").exists()
