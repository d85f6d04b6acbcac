"""The command lines as a user runs them: python -m train / train.evaluate / export / export.sample.
Their answers to bad input are tests/test_hostile.py's cases."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import configs

DEFAULT = configs.load("pacgan_toy")  # what `python -m train` trains with no flags (configs.DEFAULT)
STEPS, EVERY = DEFAULT.steps, DEFAULT.log_every


def run(args, cwd, env=None, timeout=900):
    """`python ARGS` in `cwd`; `env` adds to the environment (a None value removes the variable)."""
    full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def one_line_error(result):
    """A user mistake: non-zero exit, no traceback, one line naming the mistake."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`python -m train` with no flags at all, in an empty directory."""
    cwd = tmp_path_factory.mktemp("cwd")
    result = run(["-m", "train"], cwd=cwd, env={"TF_CPP_MIN_LOG_LEVEL": None})  # as a user's shell has it
    assert result.returncode == 0, result.stderr[-3000:]
    runs = os.listdir(cwd / "runs")
    assert len(runs) == 1 and runs[0].startswith("pacgan_toy-")
    return cwd, cwd / "runs" / runs[0], result


def test_no_flags_trains_the_default_and_writes_the_contract(default_run):
    cwd, workdir, result = default_run
    assert f"into {os.path.join('runs', workdir.name)}" in result.stdout
    assert "is not in effect" not in result.stderr  # the toy's intra_op_threads=1 reached TensorFlow
    assert result.stderr == ""  # no TensorFlow start-up lines (train.runtime)
    assert "\x1b" not in result.stdout and "Epoch 1/" in result.stdout  # plain progress into a pipe
    for part in ("checkpoints", "backup", "logs", "samples", "metrics.json", "export/generator.onnx",
                 "export/saved_model", "export/metadata.json"):
        assert (workdir / part).exists(), part
    metrics = json.loads((workdir / "metrics.json").read_text())
    assert metrics["step"] == STEPS and metrics["dataset"] == "ring"
    assert set(metrics["metrics"]) == {"modes2500", "high_quality2500", "reverse_kl2500"}


def test_rerun_resumes_instead_of_restarting(default_run):
    cwd, workdir, _ = default_run
    before = sorted(os.listdir(workdir / "checkpoints"))
    losses = json.loads((workdir / "metrics.json").read_text())["final_losses"]
    assert set(losses) == {"d_loss", "g_loss"}
    result = run(["-m", "train", f"--workdir={workdir}"], cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Resuming" in result.stdout and f"at step {STEPS} of {STEPS}" in result.stdout
    assert sorted(os.listdir(workdir / "checkpoints")) == before  # nothing retrained
    assert json.loads((workdir / "metrics.json").read_text())["final_losses"] == losses  # not wiped


def test_sample_cli_writes_png_and_npy_without_tensorflow(default_run, tmp_path):
    _, workdir, _ = default_run
    code = ("import sys, runpy; sys.argv = ['export.sample', *sys.argv[1:]];"
            "from export import sample; rc = sample.main(sys.argv[1:]);"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF';"
            "sys.exit(rc)")
    for out in ("grid.png", "x.npy"):
        result = run(["-c", code, str(workdir / "export"), "--num=16", "--seed=3", f"--out={tmp_path / out}"],
                     cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    x = np.load(tmp_path / "x.npy")
    assert x.shape == (16, 2) and np.isfinite(x).all()
    assert (tmp_path / "grid.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_and_reexport_from_the_last_checkpoint(default_run):
    cwd, workdir, _ = default_run
    before = json.loads((workdir / "metrics.json").read_text())
    result = run(["-m", "train.evaluate", f"--workdir={workdir}"], cwd=cwd)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((workdir / "metrics.json").read_text())["metrics"] == before["metrics"]
    result = run(["-m", "train.export", f"--workdir={workdir}", f"--step={STEPS - EVERY}", "--format=onnx"], cwd=cwd)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((workdir / "export" / "metadata.json").read_text())["steps"] == STEPS - EVERY
    assert sorted(os.listdir(workdir / "export")) == ["generator.onnx", "metadata.json", "metadata.json.sha256"]
    line = one_line_error(run(["-m", "train.export", f"--workdir={workdir}", "--step=5"], cwd=cwd))
    assert "no checkpoint of step 5" in line and f"it holds steps {STEPS - 2 * EVERY}, {STEPS - EVERY}, {STEPS}" in line
    line = one_line_error(run(["-m", "export", f"--workdir={workdir}", "--format=tflite"], cwd=cwd))
    assert "unknown export format tflite; choose from: saved_model, onnx" in line
    assert sorted(os.listdir(workdir / "export")) == ["generator.onnx", "metadata.json", "metadata.json.sha256"]  # left intact
    result = run(["-m", "export", f"--workdir={workdir}"], cwd=cwd)  # the old command hands over to train.export
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((workdir / "export" / "metadata.json").read_text())["steps"] == STEPS
    assert os.path.isdir(workdir / "export" / "saved_model")


@pytest.mark.parametrize("replicas", [1, 2])
def test_an_xla_config_trains_on_one_device_and_mirrored(tmp_path, root, replicas):
    """bigan_mnist has jit_compile on. With op determinism off (Keras turns XLA off under it, as in
    the rest of the tests) the step is XLA-compiled on one device; mirrored on 2 replicas the trainer
    turns XLA off (it failed there with "tf.Variable on a different device")."""
    env = {k: v for k, v in os.environ.items() if k != "TF_DETERMINISTIC_OPS"}
    workdir = tmp_path / "w"
    result = subprocess.run(
        [sys.executable, "-m", "train", "--config=configs/bigan_mnist.py", f"--workdir={workdir}",
         "--strategy=mirrored", f"--cpu_replicas={replicas}", "--config.steps=4", "--config.log_every=2",
         "--config.data.batch_size=16", "--config.eval.num_samples=200", "--config.eval.encoder_examples=1000"],
        cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "support `jit_compile=True`" not in result.stderr
    assert json.loads((workdir / "metrics.json").read_text())["step"] == 4


def test_intra_op_threads_reach_tensorflow_only_before_it_starts(root):
    """config.intra_op_threads is set before TensorFlow starts (as python -m train does), and a
    late setting is a clear error; the trainer warns when a config's setting is not in effect."""
    code = ("from ml_collections import ConfigDict\n"
            "from train import runtime\n"
            "from zoo.errors import UserError\n"
            "one, two = ConfigDict(dict(intra_op_threads=1)), ConfigDict(dict(intra_op_threads=2))\n"
            "runtime.set_intra_op_threads(one)\n"
            "import tensorflow as tf\n"
            "tf.constant(1.0) + 1.0\n"
            "print(tf.config.threading.get_intra_op_parallelism_threads(), runtime.intra_op_threads_warning(one))\n"
            "try:\n"
            "    runtime.set_intra_op_threads(two)\n"
            "except UserError as e:\n"
            "    print(e)\n"
            "print(runtime.intra_op_threads_warning(two))\n")
    result = run(["-c", code], cwd=root, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "1 None"
    assert lines[1] == "config.intra_op_threads must be set before TensorFlow initialises"
    assert lines[2].startswith("warning: config.intra_op_threads=2 is not in effect")


def test_help_lists_the_flags_and_every_config_key(root):
    result = run(["-m", "train", "--config=configs/bigan_mnist.py", "--help"], cwd=root)
    assert result.returncode == 0 and result.stderr == ""
    assert "--workdir" in result.stdout and "  data.split = 'train[:50000]'" in result.stdout
    assert "  g_optimizer.decay_from = 0.5" in result.stdout
    for module in ("export", "train.evaluate"):  # their required --workdir does not hide the help
        result = run(["-m", module, "--help"], cwd=root)
        assert result.returncode == 0 and "--workdir" in result.stdout, result.stderr


def test_mirrored_on_two_cpu_replicas_writes_the_contract(tmp_path, root):
    workdir = tmp_path / "w"
    result = run(["-m", "train", "--config=configs/wgangp_toy.py", f"--workdir={workdir}",
                  "--strategy=mirrored", "--cpu_replicas=2", "--config.steps=4", "--config.log_every=2",
                  "--config.data.batch_size=16"], cwd=root)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((workdir / "metrics.json").read_text())["step"] == 4
    assert (workdir / "checkpoints" / "ckpt-00000004.keras").exists()
    assert json.loads((workdir / "export" / "metadata.json").read_text())["steps"] == 4
    odd = run(["-m", "train", f"--workdir={tmp_path / 'odd'}", "--strategy=mirrored", "--cpu_replicas=2",
               "--config.data.batch_size=7"], cwd=root)
    assert "divisible by the number of replicas (2)" in one_line_error(odd)


@pytest.mark.parametrize("argv, key, refusal", [
    (["--config.pac=3"], "pac", "config.model.pac"), (["--config.pac", "3"], "pac", "config.model.pac"),
    (["--config.model_options.pac=3"], "model_options.pac", "config.model.pac"),
    (["--config=configs/tempered_toy.py", "--config.lens.k=-1"], "lens.k", "config.model.lens_k"),
    (["--config=configs/tempered_toy.py", "--config.model_options.lens_k=-1"], "model_options.lens_k",
     "config.model.lens_k"),
    (["--config.model=nope"], "model", "unknown model 'nope'"),
    (["--config.model.objective=hinge"], "model.objective", "unknown objective 'hinge'"),
    (["--config=configs/fgan_toy.py", "--config.model.divergence=kl2"], "model.divergence", "unknown divergence 'kl2'"),
    (["--config=configs/fgan_toy.py", "--config.model_options.g_update=both"], "model_options.g_update",
     "unknown f-GAN generator update 'both'"),
    (["--config=configs/fgan_toy.py", "--config.divergence", "alpha"], "divergence",
     "'alpha' needs --config.model.objective.divergence_param")])
def test_a_command_line_of_an_old_schema_still_works(tmp_path, root, argv, key, refusal):
    """A key that moved (configs.moved: the GAN's top-level options, then model_options.X, then
    model.X; the model's name, now model.name; the objective and the f-GAN's options, now
    model.objective.name and model.objective.X) is renamed with a note, and its value reaches the
    config: each of these values is refused by the check of the key's new place."""
    result = run(["-m", "train", *argv, f"--workdir={tmp_path / 'w'}"], cwd=root)
    new = configs.moved(key)
    assert f"note: --config.{key} is now --config.{new}" in result.stderr
    assert refusal in one_line_error(result) and not (tmp_path / "w").exists()


def test_upgrade_overrides_leaves_keys_that_did_not_move():
    from train import cli

    vae = configs.load("vae_toy")  # has no model.pac: --config.pac stays an unknown key there
    argv = ["--config.pac=2", "--config.model_options.pac=2", "--config.steps=3", "--workdir=x"]
    assert cli.upgrade_overrides(vae, argv) == argv
    assert cli.upgrade_overrides(DEFAULT, argv)[:3] == ["--config.model.pac=2", "--config.model.pac=2", "--config.steps=3"]
    assert configs.moved("steps") is None and configs.moved("model.pac") is None
