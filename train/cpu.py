"""The CPU this process runs on: its model, its vector units, and how TensorFlow will run bfloat16 on it.

Read from /proc/cpuinfo (Linux) and the environment with the standard library only, so that `.ci/run`
can print it before anything is installed (`python -m train.cpu`) and every benchmark table can name
its machine.

How TensorFlow 2.21 picks its CPU kernels (its source: tensorflow/core/util/port.cc, mkl_graph_util.h;
and measured here, issue 26):
- oneDNN's custom ops (TF_ENABLE_ONEDNN_OPTS) are on by default on Linux only where the CPU has
  AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX. On an AVX2-only CPU they are off: bfloat16 ops run in
  Eigen, converting every value to float32 and back (emulated, several times slower than float32:
  the MNIST DCGAN step 0.5 vs 4.1 updates/s on an AVX2 AMD EPYC), while float32 matmuls still go to
  oneDNN's sgemm through Eigen's contraction.
- With the custom ops on, bfloat16 ops go to oneDNN whenever the CPU has AVX-512F, whatever
  ONEDNN_MAX_CPU_ISA says; they run on bfloat16 units where the CPU has AVX-512 BF16 or AMX.
- ONEDNN_MAX_CPU_ISA caps only oneDNN's own kernel choice. Capped at AVX2 with the custom ops on, a
  bfloat16 model aborts the process (oneDNN has no AVX2 bfloat16 inner product: "could not create a
  primitive descriptor"). With TF_ENABLE_ONEDNN_OPTS=0 as well, an AVX-512 machine computes what an
  AVX2-only machine computes: the mixed_bfloat16 test's outputs matched an AVX2 EPYC's to the last
  printed digit (1.625 and 1.6494646), so CI runs the precision-sensitive tests that way too.
- float16 ops go to oneDNN where the CPU has AVX-512 FP16 (a Sapphire Rapids Xeon; not the AMD EPYCs
  above) and the custom ops are on. Capped below AVX512_CORE_FP16 (AVX2, AVX512_CORE,
  AVX512_CORE_BF16) a float16 model then aborts the process the same way; AVX512_CORE_FP16 and
  AVX512_CORE_AMX run it (measured on an AMX Xeon, 2026-11-25).
"""
import os
import platform

# /proc/cpuinfo flag -> the name users know
UNITS = {"avx2": "AVX2", "avx512f": "AVX-512", "avx512_bf16": "AVX-512 BF16", "amx_bf16": "AMX"}
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")
# TensorFlow's DefaultOneDnnPolicy on Linux: custom ops on by default where the CPU has one of these
ONEDNN_DEFAULT_FLAGS = ("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16")
# ONEDNN_MAX_CPU_ISA values below oneDNN's AVX-512 kernels, which have no bfloat16 primitives
NO_BFLOAT16_ISAS = ("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2")
# ... and below avx512_core_bf16, the first with bfloat16 units
EMULATED_BFLOAT16_ISAS = NO_BFLOAT16_ISAS + ("AVX512_CORE", "AVX512_CORE_VNNI")
# CPUs whose float16 ops TensorFlow sends to oneDNN, and the caps below oneDNN's float16 kernels
FLOAT16_FLAGS = ("avx512_fp16",)
NO_FLOAT16_ISAS = EMULATED_BFLOAT16_ISAS + ("AVX512_CORE_BF16",)
# oneDNN's ISA levels (ONEDNN_MAX_CPU_ISA values), lowest first, each with the /proc/cpuinfo flag of
# a CPU that reaches it
ISA_LEVELS = (("SSE41", "sse4_1"), ("AVX", "avx"), ("AVX2", "avx2"), ("AVX2_VNNI", "avx_vnni"),
              ("AVX512_CORE", "avx512f"), ("AVX512_CORE_VNNI", "avx512_vnni"), ("AVX512_CORE_BF16", "avx512_bf16"),
              ("AVX512_CORE_FP16", "avx512_fp16"), ("AVX512_CORE_AMX", "amx_bf16"))
# flags of CPUs whose oneDNN ISAs leave that line (AVX2_VNNI, AVX2_VNNI_2: below no AVX-512 level)
OFF_LINE_FLAGS = ("avx_vnni", "avx_vnni_int8", "avx_ne_convert")


def _cpuinfo(path="/proc/cpuinfo"):
    """(model name, set of flags) of the first processor listed in `path`."""
    model, flags = platform.processor() or platform.machine() or "unknown CPU", set()
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name":
                    model = value.strip()
                elif key == "flags":
                    flags = set(value.split())
                    break
    except OSError:
        pass
    return model, flags


def onednn_ops(flags, env=os.environ):
    """Whether TensorFlow's oneDNN custom ops are on: TF_ENABLE_ONEDNN_OPTS, else TensorFlow's default."""
    value = env.get("TF_ENABLE_ONEDNN_OPTS", "").strip().lower()
    if value in ("0", "false", "1", "true"):
        return value in ("1", "true")
    return any(flag in flags for flag in ONEDNN_DEFAULT_FLAGS)


def bfloat16_path(flags=None, env=os.environ):
    """How TensorFlow runs bfloat16 ops on this CPU: "units" (oneDNN on AVX-512 BF16 or AMX),
    "emulated" (Eigen, or oneDNN without bfloat16 units), or "aborts" (oneDNN capped below its
    bfloat16 kernels by ONEDNN_MAX_CPU_ISA while TensorFlow still sends bfloat16 ops to it)."""
    flags = _cpuinfo()[1] if flags is None else flags
    isa = env.get("ONEDNN_MAX_CPU_ISA", "").strip().upper()
    if not (onednn_ops(flags, env) and "avx512f" in flags):
        return "emulated"
    if isa in NO_BFLOAT16_ISAS:
        return "aborts"
    if isa in EMULATED_BFLOAT16_ISAS or not any(flag in flags for flag in BFLOAT16_FLAGS):
        return "emulated"
    return "units"


def cpu_flags():
    """This CPU's /proc/cpuinfo flags (a set; empty where there is none)."""
    return _cpuinfo()[1]


def float16_aborts(flags=None, env=os.environ):
    """Whether a float16 model aborts the process here: TensorFlow sends its float16 ops to oneDNN
    (a CPU with AVX-512 FP16, custom ops on) while ONEDNN_MAX_CPU_ISA caps oneDNN below its float16
    kernels."""
    flags = _cpuinfo()[1] if flags is None else flags
    isa = env.get("ONEDNN_MAX_CPU_ISA", "").strip().upper()
    return onednn_ops(flags, env) and any(flag in flags for flag in FLOAT16_FLAGS) and isa in NO_FLOAT16_ISAS


def same_kernels(overrides, flags=None, env=os.environ):
    """Whether TensorFlow keeps the kernels it picks here under `env` when the settings `overrides`
    ({TF_ENABLE_ONEDNN_OPTS or ONEDNN_MAX_CPU_ISA: value}) are added: its custom ops as before, and
    oneDNN on the same ISA level, the lower of the CPU's highest and the cap. `.ci/run` skips a test
    pass on another kind of CPU's kernels when this CPU is of that kind already (the pass would repeat
    the one before it). What it cannot place counts as a change: a CPU without /proc/cpuinfo flags,
    an ISA name it does not know, and a cap on a CPU with AVX-VNNI (oneDNN's ISAs branch there:
    AVX2_VNNI is below no AVX-512 level)."""
    flags = cpu_flags() if flags is None else flags
    new = {**env, **overrides}
    if onednn_ops(flags, env) != onednn_ops(flags, new):
        return False
    caps = [e.get("ONEDNN_MAX_CPU_ISA", "").strip().upper() for e in (env, new)]
    if caps[0] == caps[1]:
        return True
    levels = [_isa_level(flags, cap) for cap in caps]
    return None not in levels and levels[0] == levels[1]


def _isa_level(flags, cap):
    """The index in ISA_LEVELS of the ISA oneDNN's kernels use on a CPU with `flags` under the cap
    `cap` ("": none), or None where same_kernels cannot place it."""
    names = [name for name, _ in ISA_LEVELS]
    reached = [i for i, (_, flag) in enumerate(ISA_LEVELS) if flag in flags]
    if not reached or (cap and (cap not in names or any(flag in flags for flag in OFF_LINE_FLAGS))):
        return None
    return min(max(reached), names.index(cap)) if cap else max(reached)


def units(flags):
    """The vector units of UNITS among `flags`, in UNITS' order."""
    return [name for flag, name in UNITS.items() if flag in flags]


def describe(path="/proc/cpuinfo", env=os.environ):
    """One line: the CPU model, its vector units and the ones it lacks, and any oneDNN setting in the
    environment; e.g. "AMD EPYC: AVX2, AVX-512, AVX-512 BF16 (no AMX)"."""
    model, flags = _cpuinfo(path)
    have = units(flags)
    lacks = [name for name in UNITS.values() if name not in have]
    text = f"{model}: {', '.join(have) or 'none of ' + ', '.join(UNITS.values())}"
    if have and lacks:
        text += f" (no {', '.join(lacks)})"
    settings = [f"{key}={env[key]}" for key in ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA") if env.get(key)]
    if settings:
        text += f"; {' '.join(settings)}"
    return text


if __name__ == "__main__":
    import sys

    from zoo_core import errors

    if sys.argv[1:2] == ["--same_kernels"]:  # for .ci/run: --same_kernels KEY=VALUE ... -> "yes" or "no"
        settings = [arg.partition("=") for arg in sys.argv[2:]]
        if any(not sep or key not in ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA") for key, sep, _ in settings):
            errors.fail("usage: python -m train.cpu --same_kernels [TF_ENABLE_ONEDNN_OPTS=V] [ONEDNN_MAX_CPU_ISA=V]")
        print("yes" if same_kernels({key: value for key, _, value in settings}) else "no")
    else:
        print(f"CPU: {describe()}; bfloat16: {bfloat16_path()}")
