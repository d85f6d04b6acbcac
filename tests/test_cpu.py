"""train.cpu: the CPU's vector units, TensorFlow's bfloat16 path on each kind of CPU, and what the
trainer says about it (the paths themselves were measured: train/cpu.py's docstring)."""
import os
import subprocess
import sys

import pytest

from tests.test_train import tiny
from train import cpu, spec
from zoo.errors import UserError

AVX2_EPYC = {"avx2", "fma"}
AVX512_SKYLAKE = AVX2_EPYC | {"avx512f", "avx512bw"}  # oneDNN ops off by default: no VNNI, BF16 or AMX
AVX512_CASCADE = AVX512_SKYLAKE | {"avx512_vnni"}  # oneDNN ops on, no bfloat16 units
BF16_EPYC = AVX512_CASCADE | {"avx512_bf16"}
AMX_XEON = BF16_EPYC | {"amx_tile", "amx_int8", "amx_bf16"}


@pytest.mark.parametrize("flags, env, path", [
    (AVX2_EPYC, {}, "emulated"),
    (AVX2_EPYC, {"TF_ENABLE_ONEDNN_OPTS": "1"}, "emulated"),  # no AVX-512F: TF keeps bfloat16 in Eigen
    (AVX512_SKYLAKE, {}, "emulated"),
    (AVX512_CASCADE, {}, "emulated"),
    (BF16_EPYC, {}, "units"),
    (AMX_XEON, {}, "units"),
    (AMX_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}, "units"),
    (AMX_XEON, {"ONEDNN_MAX_CPU_ISA": "avx512_core"}, "emulated"),
    (AMX_XEON, {"TF_ENABLE_ONEDNN_OPTS": "0"}, "emulated"),
    (BF16_EPYC, {"TF_ENABLE_ONEDNN_OPTS": "false"}, "emulated"),
    (BF16_EPYC, {"ONEDNN_MAX_CPU_ISA": "AVX2"}, "aborts"),  # measured: dnnl::error, SIGABRT
    (BF16_EPYC, {"ONEDNN_MAX_CPU_ISA": "AVX2", "TF_ENABLE_ONEDNN_OPTS": "0"}, "emulated"),
    (AVX512_CASCADE, {"ONEDNN_MAX_CPU_ISA": "AVX2"}, "aborts"),
    (AVX512_SKYLAKE, {"ONEDNN_MAX_CPU_ISA": "AVX2"}, "emulated"),  # oneDNN ops off: never reaches oneDNN
])
def test_bfloat16_path_of_each_kind_of_cpu(flags, env, path):
    assert cpu.bfloat16_path(flags, env) == path


SPR_XEON = AMX_XEON | {"avx512_fp16"}
AVX2_PASS = {"TF_ENABLE_ONEDNN_OPTS": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"}  # .ci/run's second pass
BF16_PASS = {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}  # .ci/run's third pass


@pytest.mark.parametrize("flags, env, same", [
    (AVX2_EPYC, {}, True),
    (AVX2_EPYC, AVX2_PASS, True),  # its own kernels already: the pass is skipped
    (AVX2_EPYC, BF16_PASS, True),  # a cap above what it reaches
    (AVX2_EPYC, {"TF_ENABLE_ONEDNN_OPTS": "1"}, False),
    (AVX2_EPYC, {"ONEDNN_MAX_CPU_ISA": "SSE41"}, False),
    (AVX2_EPYC, {"ONEDNN_MAX_CPU_ISA": "AVX3"}, False),  # a name it does not know counts as a change
    (set(), AVX2_PASS, False),  # no flags (no /proc/cpuinfo): a change
    (AVX2_EPYC | {"avx_vnni"}, AVX2_PASS, False),  # oneDNN ops on by default (AVX-VNNI), off in the pass
    (AVX2_EPYC | {"avx_vnni"}, BF16_PASS, False),  # a cap on AVX-VNNI's branch of oneDNN's ISAs
    (AVX512_SKYLAKE, AVX2_PASS, False),  # the cap takes AVX-512 from oneDNN's sgemm
    (AVX512_SKYLAKE, BF16_PASS, True),
    (AVX512_CASCADE, AVX2_PASS, False),
    (BF16_EPYC, AVX2_PASS, False),
    (BF16_EPYC, {"ONEDNN_MAX_CPU_ISA": "avx512_core_bf16"}, True),
    (AMX_XEON, BF16_PASS, False),  # the cap takes AMX away
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_AMX"}, True),
])
def test_same_kernels_tells_which_ci_passes_repeat_the_first(flags, env, same):
    assert cpu.same_kernels(env, flags, env={}) is same


def test_same_kernels_compares_with_the_environment_the_first_pass_ran_in(root):
    assert cpu.same_kernels(AVX2_PASS, AVX2_EPYC, env={"TF_ENABLE_ONEDNN_OPTS": "1"}) is False
    assert cpu.same_kernels({"ONEDNN_MAX_CPU_ISA": "AVX2"}, AMX_XEON, env={"ONEDNN_MAX_CPU_ISA": "avx2"}) is True
    assert cpu.same_kernels(BF16_PASS, AMX_XEON, env={"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"}) is False

    def answer(*args, **env):  # .ci/run's question, on any CPU
        done = subprocess.run([sys.executable, "-m", "train.cpu", "--same_kernels", *args], cwd=root, text=True,
                              capture_output=True, env={**os.environ, **env}, timeout=60)
        return done.returncode, done.stdout.strip(), done.stderr.strip()

    assert answer() == (0, "yes", "")
    assert answer("ONEDNN_MAX_CPU_ISA=AVX3") == (0, "no", "")
    assert answer("TF_ENABLE_ONEDNN_OPTS=0", TF_ENABLE_ONEDNN_OPTS="1") == (0, "no", "")
    assert answer("OMP_NUM_THREADS=1") == (2, "", "error: usage: python -m train.cpu --same_kernels "
                                                "[TF_ENABLE_ONEDNN_OPTS=V] [ONEDNN_MAX_CPU_ISA=V]")


@pytest.mark.parametrize("flags, env, aborts", [
    (SPR_XEON, {}, False),
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}, True),  # measured: SIGABRT in the first float16 op
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "avx2"}, True),
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_FP16"}, False),
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_AMX"}, False),
    (SPR_XEON, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16", "TF_ENABLE_ONEDNN_OPTS": "0"}, False),
    (BF16_EPYC, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}, False),  # no AVX-512 FP16: float16 stays in Eigen
])
def test_float16_aborts_only_where_onednn_gets_it_without_kernels(flags, env, aborts):
    assert cpu.float16_aborts(flags, env) is aborts


def test_describe_names_the_units_and_the_ones_missing(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma\n\n"
                    "processor\t: 1\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma\n")
    assert cpu.describe(str(info), env={}) == "AMD EPYC 7B13: AVX2 (no AVX-512, AVX-512 BF16, AMX)"
    info.write_text("model name\t: Intel Xeon\nflags\t: " + " ".join(sorted(AMX_XEON)) + "\n")
    assert cpu.describe(str(info), env={"ONEDNN_MAX_CPU_ISA": "AVX2", "TF_ENABLE_ONEDNN_OPTS": "0"}) == (
        "Intel Xeon: AVX2, AVX-512, AVX-512 BF16, AMX; TF_ENABLE_ONEDNN_OPTS=0 ONEDNN_MAX_CPU_ISA=AVX2")
    assert cpu.describe(str(tmp_path / "missing"), env={}).endswith("none of AVX2, AVX-512, AVX-512 BF16, AMX")


def test_the_aborting_onednn_setting_is_refused_before_training(monkeypatch):
    monkeypatch.setattr(cpu, "bfloat16_path", lambda: "aborts")
    config = tiny("nsgan_toy")
    config.mixed_precision = "mixed_bfloat16"
    with pytest.raises(UserError, match="also set TF_ENABLE_ONEDNN_OPTS=0, or unset ONEDNN_MAX_CPU_ISA"):
        spec.read(config, 1)
    config.mixed_precision = "mixed_float16"
    monkeypatch.setattr(cpu, "float16_aborts", lambda: False)
    spec.read(config, 1)  # float16 never reaches oneDNN's bfloat16 kernels
    monkeypatch.setattr(cpu, "float16_aborts", lambda: True)
    with pytest.raises(UserError, match="mixed_float16 cannot run with ONEDNN_MAX_CPU_ISA below AVX512_CORE_FP16"):
        spec.read(config, 1)
