"""ONNX files half the size: float32 weights stored as float16, computed in float32.

Every float32 initializer of at least MIN_ELEMENTS values is replaced by its float16 copy and a Cast
node back to float32 under the original name, so every op still runs in float32 on the same graph;
only the weights are rounded (a relative error of at most 2^-11 each, 4.9e-4; weights below float16's
normal range, 6.1e-5, lose more relative precision, and none leaves float16's range on these nets).
Inputs and outputs keep their float32 types, so a compacted file is a drop-in replacement for the
sampler, the encoder and the browser page. Used to ship the pretrained models (export.pretrained).
"""
import numpy as np

MIN_ELEMENTS = 1024  # smaller initializers (biases, norms, shapes) stay as they are


def float16_weights(model):
    """A copy of the onnx ModelProto `model` with its large float32 weights stored as float16."""
    import onnx
    from onnx import helper, numpy_helper

    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    kept, casts = [], []
    for init in graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT or np.prod(init.dims) < MIN_ELEMENTS:
            kept.append(init)
            continue
        w = numpy_helper.to_array(init)
        if np.abs(w).max() > np.finfo(np.float16).max:
            raise ValueError(f"weight {init.name} exceeds float16's range")
        kept.append(numpy_helper.from_array(w.astype(np.float16), init.name + "_float16"))
        casts.append(helper.make_node("Cast", [init.name + "_float16"], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=init.name + "_to_float32"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)  # the casts first: the graph stays topologically sorted
    onnx.checker.check_model(out)
    return out


def compact(src, dst):
    """Writes the float16-weight copy of the ONNX file `src` to `dst`."""
    import onnx

    onnx.save(float16_weights(onnx.load(src)), dst)
