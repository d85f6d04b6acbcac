"""config.mixed_precision="auto" (train.precision): bfloat16 for the image GANs where the CPU has bfloat16
units, float32 elsewhere; decided once when a run starts, said in one line, kept by its config.json."""
import json

import pytest
import tensorflow as tf

from tests.test_train import tiny
from train import cpu, precision, trainer


def machine(monkeypatch, path="units", gpu=False):
    monkeypatch.setattr(cpu, "bfloat16_path", lambda: path)
    monkeypatch.setattr(precision, "on_cpu", lambda: not gpu)


@pytest.mark.parametrize("name, path, gpu, chosen", [
    ("nsgan_mnist", "units", False, "mixed_bfloat16"),
    ("wgangp_mnist", "units", False, "mixed_bfloat16"),
    ("nsgan_mnist", "emulated", False, None),  # several times slower than float32
    ("nsgan_mnist", "aborts", False, None),  # oneDNN capped below its bfloat16 kernels
    ("nsgan_mnist", "units", True, None),  # a GPU: not measured here
    ("nsgan_toy", "units", False, None),  # a toy MLP gains nothing
    ("vae_mnist", "units", False, None)])  # mixed precision is the GAN's option
def test_auto_follows_the_cpu_the_data_and_the_model(monkeypatch, name, path, gpu, chosen):
    machine(monkeypatch, path, gpu)
    config = tiny(name, mixed_precision="auto")
    assert precision.auto(config)[0] == precision.policy(config) == chosen
    resolved, line = precision.resolve(config)
    assert resolved.mixed_precision == chosen and config.mixed_precision == "auto"  # a copy: the caller's is unchanged
    assert line.startswith(f"precision: {chosen or 'float32'} (auto: ") and "\n" not in line


def test_a_config_that_chose_keeps_its_choice_and_says_nothing(monkeypatch):
    machine(monkeypatch)
    for value, policy in (("float32", None), (None, None), ("mixed_bfloat16", "mixed_bfloat16"),
                          ("mixed_float16", "mixed_float16")):
        config = tiny("nsgan_mnist", mixed_precision=value)
        resolved, line = precision.resolve(config)
        assert precision.policy(config) == policy and resolved.mixed_precision == policy and line is None


def test_every_config_defaults_to_auto():
    import configs

    for name in ("nsgan_mnist", "nsgan_toy", "vae_mnist", "tempered_mnist"):
        assert configs.load(name).mixed_precision == "auto"


def test_auto_is_decided_once_per_run_and_a_resumed_run_keeps_it(tmp_path, monkeypatch, capsys):
    strategy = tf.distribute.get_strategy()
    machine(monkeypatch)  # a CPU with bfloat16 units (emulated where it has none: slower, same code)
    new = str(tmp_path / "new")
    model, _ = trainer.run(tiny("nsgan_mnist", mixed_precision="auto", steps=2), new, strategy, verbose=0)
    assert model.generator.dtype_policy.name == "mixed_bfloat16"
    assert json.load(open(tmp_path / "new" / "config.json"))["mixed_precision"] == "mixed_bfloat16"
    assert "precision: mixed_bfloat16 (auto: this CPU runs bfloat16 on its own units" in capsys.readouterr().out
    # a run begun in float32 (before "auto", or on another CPU) resumes in float32 under "auto"
    old = str(tmp_path / "old")
    trainer.run(tiny("nsgan_mnist", mixed_precision=None, steps=2), old, strategy, verbose=0)
    capsys.readouterr()
    model, _ = trainer.run(tiny("nsgan_mnist", mixed_precision="auto", steps=4), old, strategy, verbose=0)
    assert int(model.optimizer.iterations) == 4 and model.generator.dtype_policy.name == "float32"
    assert json.load(open(tmp_path / "old" / "config.json"))["mixed_precision"] is None
    assert "precision: float32 (auto: the run's own, from its config.json)" in capsys.readouterr().out


@pytest.mark.parametrize("path, says", [("units", None), ("emulated", "is emulated in software"), ("aborts", None)])
def test_the_trainer_says_when_bfloat16_is_emulated(monkeypatch, path, says):
    machine(monkeypatch, path)
    config = tiny("nsgan_toy")
    assert precision.warning(config) is None  # float32: nothing to say
    config.mixed_precision = "mixed_bfloat16"
    warning = precision.warning(config)
    assert (warning is None) if says is None else (says in warning and "\n" not in warning)
    config.mixed_precision = "mixed_float16"
    assert precision.warning(config) is None
