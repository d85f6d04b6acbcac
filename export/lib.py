"""Writes DIR/export: saved_model/, generator.onnx, encoder.onnx and metadata.json, atomically.

Every zoo model exports the same way (DESIGN.md's export contract):
- SavedModel signatures `serving_default` and `sample` (input `z` [batch, latent_dim] float32 ->
  {"x": samples}); models with an encoder add `encode` (input `x` [batch, *data_shape] -> {"z"})
  and `reconstruct` (input `x` -> {"x": generate(encode(x))}).
- `generator.onnx` (input `z`, output `x`) and, with an encoder, `encoder.onnx` (input `x`,
  output `z`), both with a dynamic batch axis.
- `metadata.json`: how to draw z and read x (prior, shapes, value range, pixel mapping), what the
  encoder computes, where the run came from, and the SHA-256 of every artifact file.
Everything runs in inference mode (batch norm uses its moving statistics) and holds only the
generator's and the encoder's variables: no critic, lens, adversary or optimizer state.
"""
import json
import os
import shutil
import sys

import keras
import tensorflow as tf

from zoo import data
from zoo_core import files

ONNX_OPSET = 17
FORMATS = ("saved_model", "onnx")


def _versions():
    import onnx
    import onnxruntime
    import tf2onnx

    import zoo
    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
            "tf2onnx": tf2onnx.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
            "zoo": zoo.__version__}


def data_info(spec):
    """What metadata.json says of the data (`spec`: a dataset name or config.data, zoo.data): its name and
    shape, the value range of x and how x maps to pixels."""
    name = data.name_of(spec)
    info = dict(name=name, shape=list(data.data_shape(spec)))
    if name == data.FOLDER:  # how its images were made square (the path stays private)
        info.update(resize=data.folder_options(spec).resize)
    if data.is_toy(name):
        info.update(value_range=None, to_pixels=None)
    elif data.is_image(name):
        info.update(value_range=[-1.0, 1.0], to_pixels="uint8 = round((clip(x, -1, 1) + 1) * 127.5)")
    else:
        info.update(value_range=[-1.0, 1.0], to_pixels=None)
    if name in data.BINARY:
        info.update(binary="data are -1/+1; the model outputs E[x|z] = 2 P(x = +1 | z) - 1")
    return info


def _nets(model):
    return [model.generator] + ([model.encoder] if model.has_encoder else [])


def _as_float32(config):
    """A Keras config with every dtype policy (e.g. mixed_float16) replaced by float32."""
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy":
            return dict(config, config=dict(config["config"], name="float32"))
        return {k: _as_float32(v) for k, v in config.items()}
    if isinstance(config, list):
        return [_as_float32(v) for v in config]
    return config


def float32_model(model):
    """`model` itself, or, when its networks compute in float16/bfloat16 (config.mixed_precision), a
    copy that computes in float32 with the same (float32) weights: onnxruntime cannot mix the two
    (measured: a bfloat16 generator fails to load, a float16 one differs from Keras by 3e-3), and
    float32 serves everywhere."""
    if all(layer.dtype_policy.compute_dtype == "float32" for net in _nets(model) for layer in net.layers):
        return model
    copy = type(model).from_config(_as_float32(model.get_config()))
    for name in model.net_names:
        getattr(copy, name).set_weights(getattr(model, name).get_weights())
    return copy


def endpoints(model):
    """{signature name: (tf.function, its one input TensorSpec)} of `model`'s exported functions."""
    z = tf.TensorSpec([None, model.latent_dim], tf.float32, name="z")
    sample = tf.function(lambda z: {"x": model.generate(z)}, input_signature=[z])
    out = {"serving_default": (sample, z), "sample": (sample, z)}
    if model.has_encoder:
        x = tf.TensorSpec([None, *model.data_shape], tf.float32, name="x")
        out["encode"] = (tf.function(lambda x: {"z": model.encode(x)}, input_signature=[x]), x)
        out["reconstruct"] = (tf.function(lambda x: {"x": model.reconstruct(x)}, input_signature=[x]), x)
    return out


def write_saved_model(model, path):
    archive = keras.export.ExportArchive()
    for net in _nets(model):  # only the exported networks' variables
        archive.track(net)
    for name, (fn, _) in endpoints(model).items():
        archive.add_endpoint(name, fn)
    archive.write_out(path, verbose=False)


def write_onnx(fn, spec, path, output):
    """`fn` (a tf.function of one input `spec`, returning {output: tensor}) as an ONNX file whose
    input and output carry the names `spec.name` and `output`."""
    import tf2onnx

    proto, _ = tf2onnx.convert.from_function(fn, input_signature=[spec], opset=ONNX_OPSET)
    # tf2onnx names outputs after graph tensors ("Identity:0"); give the one output a stable name
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = [output if o == old else o for o in node.output]
    proto.graph.output[0].name = output
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())


def _signatures(model):
    z = dict(shape=[None, model.latent_dim], dtype="float32")
    x = dict(shape=[None, *model.data_shape], dtype="float32")
    out = {"serving_default": dict(inputs=dict(z=z), outputs=dict(x=x)),
           "sample": dict(inputs=dict(z=z), outputs=dict(x=x))}
    if model.has_encoder:
        out.update(encode=dict(inputs=dict(x=x), outputs=dict(z=z)),
                   reconstruct=dict(inputs=dict(x=x), outputs=dict(x=x)))
    return out


def _files(root):
    """Every file under `root`, as paths relative to it, sorted."""
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def check_formats(formats):
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        from zoo.errors import UserError
        raise UserError(f"unknown export format {', '.join(unknown) or '(none)'}; choose from: {', '.join(FORMATS)}")
    return formats


def _remove_stale(directory):
    """Removes what exports killed midway left beside `directory` (DIR.tmp-PID, DIR.old-PID of a
    process that has ended)."""
    import glob

    for stale in glob.glob(f"{os.path.abspath(directory)}.tmp-*") + glob.glob(f"{os.path.abspath(directory)}.old-*"):
        pid = stale.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def export(model, directory, info, formats=FORMATS):
    """Exports `model`'s generator (and encoder) to `directory`, replaced atomically; returns the
    metadata. `formats` picks "saved_model" and/or "onnx".

    `info` holds what only the trainer knows: data (name, shape, value_range, to_pixels), model,
    objective, config, steps, metrics.
    """
    formats = check_formats(formats)
    trained = model.generator.dtype_policy.name
    model = float32_model(model)
    parent = os.path.dirname(os.path.abspath(directory))
    os.makedirs(parent, exist_ok=True)
    _remove_stale(directory)
    tmp = f"{os.path.abspath(directory)}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    onnx_files = {}
    if "saved_model" in formats:
        write_saved_model(model, os.path.join(tmp, "saved_model"))
    if "onnx" in formats:
        fns = endpoints(model)
        write_onnx(*fns["sample"], os.path.join(tmp, "generator.onnx"), "x")
        onnx_files["generator.onnx"] = dict(input="z", output="x")
        if model.has_encoder:
            write_onnx(*fns["encode"], os.path.join(tmp, "encoder.onnx"), "z")
            onnx_files["encoder.onnx"] = dict(input="x", output="z")
    encoder = model.code_description if model.has_encoder else None  # what the code is
    metadata = dict(
        format_version=2,
        latent_dim=model.latent_dim,
        prior=model.prior_info,
        data_shape=list(model.data_shape),
        encoder=encoder,
        precision=dict(artifacts="float32", trained=trained),
        signatures=_signatures(model) if "saved_model" in formats else {},
        onnx=onnx_files,
        **info,
        artifacts={path: files.sha256(os.path.join(tmp, path)) for path in _files(tmp)},
        versions=_versions(),
    )
    with open(os.path.join(tmp, "metadata.json"), "w") as f:
        json.dump(metadata, f, indent=2)
    files.write_checksum(os.path.join(tmp, "metadata.json"))  # metadata.json.sha256: its edits are refused
    old = f"{os.path.abspath(directory)}.old-{os.getpid()}"
    if os.path.exists(directory):
        os.replace(directory, old)
    files.replace(tmp, directory)
    shutil.rmtree(old, ignore_errors=True)
    return metadata
