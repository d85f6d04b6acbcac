"""The GAN model's contract: batch layout, sampling, and safe-mode .keras round trip."""
import pathlib
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import fit, max_weight_difference, toy_gan
from zoo import nets, objectives
from zoo.errors import UserError
from zoo.models import GAN


def test_sample_is_a_function_of_seed():
    model = toy_gan(tf.distribute.get_strategy())
    np.testing.assert_array_equal(model.sample(5, seed=1), model.sample(5, seed=1))
    assert not np.allclose(model.sample(5, seed=1), model.sample(5, seed=2))


def test_one_fit_step_is_one_generator_update_and_n_critic_critic_updates():
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=5, clip_value=0.01)
    fit(model, 3)
    assert int(model.g_optimizer.iterations) == 3 and int(model.d_optimizer.iterations) == 15


def test_wrong_batch_layout_is_refused():
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=5)
    with pytest.raises(ValueError, match=r"n_critic=5 takes batches of shape \[B, 5"):
        model.fit(tf.data.Dataset.from_tensors(tf.zeros([8, 2])).repeat(), steps_per_epoch=1, verbose=0,
                  shuffle=False)


def test_unknown_objective_names_the_choices():
    g = nets.build_generator("mlp", 2, (2,), widths=(4,))
    d = nets.build_discriminator("mlp", (2,), widths=(4,))
    with pytest.raises(UserError, match="unknown objective 'hinge'.*least_squares.*wasserstein"):
        GAN(g, d, objective="hinge")


@pytest.mark.parametrize("objective, message", [
    (dict(name="least_squares", divergence="kl"), r"the least_squares objective takes no options \(config.model.objective.divergence\)"),
    (dict(name="f_gan", divergence="kl", pac=2), r"config.model.objective.pac is not an option of the f_gan objective"),
    (dict(name="f_gan"), r"objective 'f_gan' needs a divergence \(--config.model.objective.divergence=NAME"),
    (dict(divergence="kl"), r"config.model.objective needs a name"),
    (3, r"config.model.objective is a name or \{name: ..., \*\*its options\}, not 3")])
def test_an_objective_is_a_name_or_a_name_with_its_options(objective, message):
    with pytest.raises(UserError, match=message):
        objectives.make(objective)
    assert objectives.make("minimax") is objectives.make({"name": "minimax"}) is objectives.OBJECTIVES["minimax"]
    given = dict(name="f_gan", divergence="kl")
    assert objectives.spec("minimax") == {"name": "minimax"} and objectives.spec(given) == given
    assert objectives.spec(given) is not given  # a copy: the caller's dict is never changed


def test_keras_round_trip_in_safe_mode(tmp_path):
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=2, gp_weight=10.0,
                    optimizer="adam")
    fit(model, 2)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, GAN) and loaded.n_critic == 2 and loaded.gp_weight == 10.0
    z = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32)
    np.testing.assert_array_equal(model.generate(z), loaded.generate(z))
    for a, b in zip(model.d_optimizer.variables, loaded.d_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())  # optimizer slots survive
    assert int(loaded.g_optimizer.iterations) == 2


def test_a_checkpoint_with_the_f_gans_options_beside_its_objective_still_loads(tmp_path):
    """Checkpoints saved while the f-GAN's options were GAN's own keyword arguments (objective="f_gan",
    divergence=..., beside n_critic) load as {name: "f_gan", **those options}, with the same losses."""
    import json
    import zipfile

    objective = dict(name="f_gan", divergence="alpha", divergence_param=3.0, g_update="saddle", output_bound=20.0)
    model = toy_gan(tf.distribute.get_strategy(), objective=objective, optimizer="adam")
    fit(model, 2)
    model.save(tmp_path / "new.keras")
    with zipfile.ZipFile(tmp_path / "new.keras") as new, zipfile.ZipFile(tmp_path / "old.keras", "w") as old:
        for item in new.infolist():
            data = new.read(item.filename)
            if item.filename == "config.json":  # the old form: the objective's options are the model's
                saved = json.loads(data)
                options = saved["config"]
                options.update(options.pop("objective"))
                options["objective"] = options.pop("name")
                assert options["divergence"] == "alpha" and options["objective"] == "f_gan"
                data = json.dumps(saved).encode()
            old.writestr(item, data)
    loaded = keras.saving.load_model(tmp_path / "old.keras", safe_mode=True)
    assert loaded.objective == objective and int(loaded.g_optimizer.iterations) == 2
    v = tf.linspace(-3.0, 3.0, 7)
    for a, b in zip(loaded._objective_fn(v, -v), model._objective_fn(v, -v)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(*(GAN(model.generator, model.discriminator, objective=dict(objective, g_update=u))
                                ._objective_fn(v, -v)[1].numpy() for u in ("saddle", "alternative")))


def _fresh_process(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_import_zoo_registers_every_class_and_load_model_works_in_a_fresh_process(tmp_path):
    """`import zoo` (nothing more) makes keras.saving.load_model read a zoo .keras file, and it
    registers every class the sources register with Keras; without it Keras cannot find the class."""
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=2, gp_weight=10.0,
                    optimizer="adam", lens_k=10)
    fit(model, 2)
    path = str(tmp_path / "m.keras")
    model.save(path)
    z = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    load = (f"import keras, numpy as np; m = keras.saving.load_model({path!r}, safe_mode=True); "
            f"np.save({str(tmp_path / 'x.npy')!r}, m.generate(np.load({str(tmp_path / 'z.npy')!r})))")
    without = _fresh_process(load)
    assert without.returncode != 0 and "Could not locate class 'GAN'" in without.stderr
    done = _fresh_process("import zoo; " + load + "; print(sorted(k for k in keras.saving.get_custom_objects() "
                          "if k.startswith('zoo>')))")
    assert done.returncode == 0, done.stderr[-2000:]
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), model.generate(z))
    root = pathlib.Path(__file__).parent.parent / "zoo"
    pattern = r'@keras\.saving\.register_keras_serializable\(package="zoo"\)\s*\nclass (\w+)'
    registered = sorted(f"zoo>{name}" for f in root.rglob("*.py") for name in re.findall(pattern, f.read_text()))
    assert len(registered) >= 7 and done.stdout.strip().splitlines()[-1] == repr(registered)


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3)])
@pytest.mark.parametrize("norm", ["batch", "layer", "none"])
def test_dcgan_shapes(shape, norm):
    g = nets.build_generator("dcgan", 16, shape, width=8, norm=norm)
    d = nets.build_discriminator("dcgan", shape, width=8, norm=norm)
    x = g(tf.zeros([3, 16]))
    assert x.shape == (3, *shape) and d(x).shape == (3, 1)
    assert float(tf.reduce_max(tf.abs(x))) <= 1.0  # tanh output in [-1, 1]


def test_importing_zoo_turns_off_grapplers_dependency_optimizer(root):
    # zoo.runtime.keep_step_ordering: with it on, a step took a second result in ~1 of 12 processes
    code = ("import tensorflow as tf\n"
            "before = tf.config.optimizer.get_experimental_options().get('dependency_optimization')\n"
            "import zoo.models\n"
            "print(before, tf.config.optimizer.get_experimental_options().get('dependency_optimization'))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["None", "False"]


@pytest.mark.parametrize("options", [dict(), dict(objective="wasserstein", gp_weight=10.0, pac=2)])
def test_one_critic_call_on_real_and_fake_trains_as_two_calls(options):
    # a critic without batch norm scores real and fake in one call (GAN.joint_critic_call): the
    # trajectory must be the two calls' (to float32 rounding: matmuls of 2B rows may block differently)
    strategy = tf.distribute.get_strategy()
    joint, separate = toy_gan(strategy, **options), toy_gan(strategy, **options)
    assert joint.joint_critic_call
    separate.joint_critic_call = False
    fit(joint, 5)
    fit(separate, 5)
    assert max_weight_difference(joint, separate) < 1e-5
    # ...and a critic with batch norm keeps two calls (its statistics are per call)
    g = nets.build_generator("dcgan", 8, (28, 28, 1), width=8)
    assert not GAN(g, nets.build_discriminator("dcgan", (28, 28, 1), width=8)).joint_critic_call
    assert GAN(g, nets.build_discriminator("dcgan", (28, 28, 1), width=8, norm="layer")).joint_critic_call
