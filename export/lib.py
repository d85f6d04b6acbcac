"""Writes DIR/export: saved_model/, generator.onnx and metadata.json, atomically.

The SavedModel has signatures `serving_default` and `sample`, both taking `z` [batch, latent_dim]
float32 and returning {"x": samples}; `generator.onnx` takes `z` with a dynamic batch axis and
returns `x`. metadata.json says how to draw z and read x, so the artifacts are usable without
this library.
"""
import json
import os
import shutil
import sys

import keras
import tensorflow as tf

from export.artifacts import sha256

ONNX_OPSET = 17


def _versions():
    import onnx
    import tf2onnx

    import zoo
    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
            "tf2onnx": tf2onnx.__version__, "onnx": onnx.__version__, "zoo": zoo.__version__}


def _generator_fn(model):
    """model.generate as a tf.function of `z` (the generator network plus any fixed output map,
    e.g. a Bernoulli decoder's logits -> mean)."""
    spec = tf.TensorSpec([None, model.latent_dim], tf.float32, name="z")
    return tf.function(lambda z: {"x": model.generate(z)}, input_signature=[spec]), spec


def write_saved_model(model, path):
    fn, spec = _generator_fn(model)
    archive = keras.export.ExportArchive()
    archive.track(model.generator)  # only the generator's variables: no critic, encoder or adversary
    archive.add_endpoint("serving_default", fn)
    archive.add_endpoint("sample", fn)
    archive.write_out(path, verbose=False)


def write_onnx(model, path):
    import tf2onnx

    fn, spec = _generator_fn(model)
    proto, _ = tf2onnx.convert.from_function(fn, input_signature=[spec], opset=ONNX_OPSET)
    # tf2onnx names outputs after graph tensors ("Identity:0"); give the one output a stable name
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = ["x" if o == old else o for o in node.output]
    proto.graph.output[0].name = "x"
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def export(model, directory, info):
    """Exports `model`'s generator to `directory` (replaced atomically); returns the metadata.

    `info` holds what only the trainer knows: data (name, shape, value_range), model, objective,
    steps, metrics.
    """
    parent = os.path.dirname(os.path.abspath(directory))
    os.makedirs(parent, exist_ok=True)
    tmp = f"{os.path.abspath(directory)}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    write_saved_model(model, os.path.join(tmp, "saved_model"))
    write_onnx(model, os.path.join(tmp, "generator.onnx"))
    metadata = dict(
        format_version=1,
        latent_dim=model.latent_dim,
        prior=model.prior_info,
        inputs=dict(z=dict(shape=[None, model.latent_dim], dtype="float32")),
        outputs=dict(x=dict(shape=[None, *model.data_shape], dtype="float32")),
        **info,
        artifacts={"generator.onnx": sha256(os.path.join(tmp, "generator.onnx")),
                   "saved_model/saved_model.pb": sha256(os.path.join(tmp, "saved_model", "saved_model.pb"))},
        versions=_versions(),
    )
    with open(os.path.join(tmp, "metadata.json"), "w") as f:
        json.dump(metadata, f, indent=2)
    old = f"{os.path.abspath(directory)}.old-{os.getpid()}"
    if os.path.exists(directory):
        os.replace(directory, old)
    os.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    return metadata
