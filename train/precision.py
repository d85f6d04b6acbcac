"""config.mixed_precision: what the networks compute in, and why.

Values: "auto" (every config's default), "float32" (or None, as configs written before "auto" have
it), "mixed_bfloat16" or "mixed_float16" (Keras policies: compute in that type, variables in float32;
GAN only). "auto" is decided once, when a run starts (`resolve`), and the run's config.json keeps the
decision, so a resumed run computes as it began on any machine:
- mixed_bfloat16 for a GAN on images where the CPU runs bfloat16 on its own units (AVX-512 BF16 or
  AMX, train.cpu.bfloat16_path). Measured (issue 21, README "Performance"): on an AMX Xeon, 3 seeds per
  precision at the results budget, nsgan_mnist FID 34.09 +- 2.96 in bfloat16 against 32.05 +- 4.25 in
  float32 and wgangp_mnist 21.66 +- 1.31 against 21.59 +- 0.44 (KID likewise within float32's
  seed-to-seed spread), 1.51x and 1.61x faster end to end; on an AVX-512 BF16 EPYC without AMX the
  DCGAN step ran 1.40x faster.
- float32 everywhere else: the toy MLPs (no faster: 141 against 147 s on the ring), the other models
  (mixed precision is a GAN option), CPUs that emulate bfloat16 (several times slower), and GPUs (not
  measured here: choose mixed_float16 or mixed_bfloat16 yourself).
In a multi-worker run every worker decides for itself, from its own CPU: on a cluster of unlike CPUs
(some with bfloat16 units, some without) set mixed_precision explicitly, or the replicas would compute
in different types.
"""
import copy

from train import cpu
from zoo import data
from zoo.errors import UserError, choose

AUTO, FLOAT32 = "auto", "float32"
# config.mixed_precision -> the Keras dtype policy of the networks (variables stay float32)
PRECISIONS = ("mixed_float16", "mixed_bfloat16")


def on_cpu():
    """Whether the model's ops run on the CPU (no GPU takes them)."""
    import tensorflow as tf

    return not tf.config.list_physical_devices("GPU")


def auto(config):
    """(policy, why): what "auto" chooses for `config` on this machine (policy None: float32)."""
    if config.model.name != "gan":
        return None, f"mixed precision is an option of the gan model, not of {config.model.name}"
    if not data.is_image(config.data):
        return None, "a toy MLP's step is too small to gain from bfloat16"
    if not on_cpu():
        return None, "mixed precision is not measured on GPUs here; set --config.mixed_precision to choose"
    path = cpu.bfloat16_path()
    if path != "units":
        return None, f"this CPU {'emulates bfloat16' if path == 'emulated' else 'is capped below oneDNN bfloat16 kernels'}"
    units = ", ".join(cpu.UNITS[flag] for flag in cpu.BFLOAT16_FLAGS if flag in cpu.cpu_flags())
    return "mixed_bfloat16", (f"this CPU runs bfloat16 on its own units ({units}); "
                              f"measured 1.4-1.6x faster than float32 on the MNIST GANs, FID within float32's "
                              f"seed-to-seed spread (README, \"Performance\")")


def policy(config):
    """config.mixed_precision as the networks' Keras policy, or None for float32 ("auto" decided by `auto`)."""
    value = config.get("mixed_precision")
    if value == AUTO:
        return auto(config)[0]
    return None if value in (None, FLOAT32) else value


def resolve(config, recorded=AUTO):
    """(config, line): `config` with its mixed_precision made concrete (a Keras policy, or None for
    float32), and the line that says what "auto" chose and why (None when the config chose itself).
    `recorded`: the run's own value in its workdir's config.json, which a resumed run keeps; AUTO for a
    new run."""
    value = config.get("mixed_precision")
    if value not in (AUTO, FLOAT32):
        return config, None
    if value == FLOAT32:
        chosen, why = None, None
    elif recorded != AUTO:
        chosen, why = recorded, "the run's own, from its config.json"
    else:
        chosen, why = auto(config)
    config = copy.deepcopy(config)
    config.mixed_precision = chosen
    return config, why and f"precision: {chosen or FLOAT32} (auto: {why})"


def bfloat16_on_cpu(config):
    """How the CPU runs config's bfloat16 ops (train.cpu.bfloat16_path), or None when it runs none
    (float32 or float16, or a GPU takes them)."""
    if policy(config) != "mixed_bfloat16":
        return None
    return cpu.bfloat16_path() if on_cpu() else None


def warning(config):
    """One line when config asks for bfloat16 where TensorFlow emulates it (a CPU without AVX-512
    BF16 or AMX, and no GPU), else None: the user gets what they asked for, and why it is slow
    (train.cpu says how TensorFlow picks its bfloat16 kernels)."""
    if bfloat16_on_cpu(config) != "emulated":
        return None
    return (f"note: mixed_bfloat16 is emulated in software on this CPU ({cpu.describe()}); "
            f"expect it several times slower than float32")


def validate(config):
    """Refuses (UserError) a mixed_precision that is no choice, that the model does not take, or that
    would abort the process on this CPU."""
    value = config.get("mixed_precision")
    if value in (None, AUTO, FLOAT32):
        return
    choose("mixed_precision", value, dict.fromkeys((AUTO, FLOAT32) + PRECISIONS))
    if config.model.name != "gan":
        raise UserError(f"config.mixed_precision is an option of the gan model, not {config.model.name!r}")
    if bfloat16_on_cpu(config) == "aborts":
        raise UserError("mixed_bfloat16 cannot run with ONEDNN_MAX_CPU_ISA below AVX-512 while TensorFlow's "
                        "oneDNN ops are on (oneDNN has no bfloat16 kernels there and aborts); "
                        "also set TF_ENABLE_ONEDNN_OPTS=0, or unset ONEDNN_MAX_CPU_ISA")
    if value == "mixed_float16" and on_cpu() and cpu.float16_aborts():
        raise UserError("mixed_float16 cannot run with ONEDNN_MAX_CPU_ISA below AVX512_CORE_FP16 on this CPU "
                        "while TensorFlow's oneDNN ops are on (its AVX-512 FP16 sends float16 ops to oneDNN, "
                        "which has no float16 kernels there and aborts); also set TF_ENABLE_ONEDNN_OPTS=0, "
                        "or unset ONEDNN_MAX_CPU_ISA")
