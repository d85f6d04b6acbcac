"""The pretrained models that ship (export.pretrained) and the float16 weight storage they use
(export.compact): they sample and encode with no training, no TensorFlow and no network."""
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from export import compact, pretrained
from export.artifacts import ExportError, load_metadata
from zoo_core import files

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = ["bigan_mnist", "nsgan_mnist", "toy_ring", "vae_mnist", "wgangp_mnist"]
LIMIT = 15_000_000  # bytes, every pretrained file together (issue 22)


def test_the_pretrained_models_ship_within_15_mb():
    assert pretrained.names() == SHIPPED
    total = sum(os.path.getsize(os.path.join(root, f)) for root, _, names in os.walk(pretrained.ROOT) for f in names)
    assert total <= LIMIT, f"{total:,} bytes"


@pytest.mark.parametrize("name", SHIPPED)
def test_each_has_verified_files_and_a_model_card(name):
    folder = pretrained.path(name)
    metadata = load_metadata(folder)  # checks metadata.json against its SHA-256 file
    assert set(os.listdir(folder)) == {"metadata.json", "metadata.json" + files.CHECKSUM, "MODEL_CARD.md",
                                       *metadata["onnx"]}
    for onnx_name, digest in metadata["artifacts"].items():
        assert files.sha256(os.path.join(folder, onnx_name)) == digest
    card = pretrained.card(name)
    assert metadata["pretrained"]["command"].startswith("python -m train --config=configs/")
    assert metadata["pretrained"]["command"] in card and "License" in card
    for onnx_name, change in metadata["pretrained"]["output_change"].items():
        # float16 weights: the outputs moved by less than one 8-bit pixel level (2/255 in [-1, 1]) at
        # most on images, and by < 1% of their magnitude on average elsewhere
        assert change["mean"] < 0.01 * change["mean_magnitude"]
        if onnx_name == "generator.onnx" and len(metadata["data_shape"]) == 3:
            assert change["max"] < 2 / 255
    x = pretrained.sample(name, 8, seed=1)
    assert x.shape == (8, *metadata["data_shape"]) and np.isfinite(x).all()
    np.testing.assert_array_equal(x, pretrained.sample(name, 8, seed=1))
    if metadata.get("encoder"):
        assert pretrained.encode(name, x).shape == (8, metadata["latent_dim"])


def test_one_command_samples_a_pretrained_model_without_tensorflow(tmp_path):
    out = str(tmp_path / "grid.png")
    code = ("import sys, runpy; sys.argv = ['export.sample', '--pretrained=nsgan_mnist', '--num=16', "
            f"'--out={out}']\ntry:\n    runpy.run_module('export.sample', run_name='__main__')\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"wrote 16 samples to {out}" and os.path.getsize(out) > 0


def test_unknown_and_ambiguous_choices_are_one_sentence(tmp_path):
    with pytest.raises(ExportError, match="unknown pretrained model 'nsgan'; the pretrained models are: bigan_mnist, "):
        pretrained.path("nsgan")
    for argv, message in [(["--pretrained=nsgan"], "unknown pretrained model 'nsgan'"),
                          ([], r"give an export folder \(EXPORT_DIR\) or --pretrained=NAME"),
                          ([pretrained.path("vae_mnist"), "--pretrained=vae_mnist"], "give an export folder")]:
        done = subprocess.run([sys.executable, "-m", "export.sample", *argv, f"--out={tmp_path / 'x.png'}"],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 2 and re.match(f"error: {message}", done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and not os.path.exists(tmp_path / "x.png")


def test_float16_weights_round_each_weight_once_and_halve_the_file(tmp_path):
    """A MatMul + Add graph: the compacted file computes x W16 + b with W16 = float16(W) in float32,
    exactly what numpy computes with the rounded weights; the small bias stays float32."""
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 32)).astype(np.float32)
    b = rng.normal(size=(32,)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Add", ["h", "b"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 32])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    src, dst = str(tmp_path / "a.onnx"), str(tmp_path / "b.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), src)
    compact.compact(src, dst)
    small = onnx.load(dst)
    assert {i.name: i.data_type for i in small.graph.initializer} == {"w_float16": TensorProto.FLOAT16,
                                                                      "b": TensorProto.FLOAT}
    assert os.path.getsize(dst) < 0.6 * os.path.getsize(src)
    x = rng.normal(size=(5, 64)).astype(np.float32)
    y = ort.InferenceSession(dst, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    want = x.astype(np.float64) @ w.astype(np.float16).astype(np.float64) + b
    # float32 sums of 64 products of magnitude ~1: a few 1e-6; the float16 rounding itself is ~1e-3
    np.testing.assert_allclose(y, want, atol=1e-4)
    assert np.abs(y - (x @ w + b)).max() > 1e-4  # the rounding is real (and measured by the packer)
    assert small.graph.input[0].type.tensor_type.elem_type == TensorProto.FLOAT  # a drop-in replacement
