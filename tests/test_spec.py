"""train.spec: a config is read once into typed parts, and what is built comes from those parts."""
import pathlib

import pytest

import configs
from train import build, spec, workdir
from zoo.errors import UserError, is_integer, positive
from zoo.models import MODELS

NAMES = sorted(p.stem for p in pathlib.Path(configs.DIR).glob("*_*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("name", NAMES)
def test_every_config_reads_into_parts_of_one_form(name):
    config = configs.load(name)
    s = spec.read(config)
    plugins = [s.model, *s.nets.values(), *s.optimizers.values()]
    assert all(isinstance(p, spec.Part) and isinstance(p.name, str) and "name" not in p.options for p in plugins)
    model = config.model.to_dict()
    assert s.model == spec.Part(model.pop("name"), model)
    assert set(s.nets) == set(config.nets) and {k: p.name for k, p in s.nets.items()} == \
        {k: v.name for k, v in config.nets.items()}
    # one Part per optimizer the model compiles with, under compile's keyword
    assert set(MODELS[config.model.name].OPTIMIZERS) <= set(s.optimizers)
    assert s.data == config.data.to_dict() and s.steps == config.steps and s.eval == config.eval.to_dict()
    assert spec.read(s) is s  # a Spec is read already: handing it down checks nothing twice


def test_what_is_built_comes_from_the_spec_not_the_config():
    config = configs.load("nsgan_toy", {"steps": 4, "nets.discriminator.pieces": 3})
    s = spec.read(config)
    config.nets.discriminator.pieces = 7  # after the read: the Spec holds its own copy
    config.g_optimizer.learning_rate = 0.5
    model = build.model(s)
    maxout = [layer for layer in model.discriminator.layers if type(layer).__name__ == "Maxout"][0]
    assert maxout.pieces == 3
    assert float(model.g_optimizer.learning_rate) == pytest.approx(1e-4)


@pytest.mark.parametrize("key, value, message", [
    ("steps", 0, "config.steps must be a positive integer, not 0"),
    ("data.batch_size", 2.5, "config.data.batch_size must be a positive integer, not 2.5"),
    ("seed", -1, r"config.seed must be an integer in \[0, 2\^31\), not -1"),
    ("seed", 2 ** 31, r"config.seed must be an integer in \[0, 2\^31\), not 2147483648"),
    ("seed", 2 ** 31 - 1, None),  # the largest seed: read, no error
    ("seed", True, r"config.seed must be an integer in \[0, 2\^31\), not True"),
    ("model.n_critic", 0, "config.model.n_critic must be a positive integer, not 0"),
    ("nets.generator", {"depth": 2}, r"config.nets.generator needs a name: \{name: ..., \*\*its options\}"),
    ("nets.generator.name", "mlpp", r"config.nets.generator: unknown net 'mlpp'; choose one of: bigan_mlp, dcgan, lens, mlp"),
    ("nets.discriminator.name", "lens", r"config.nets.discriminator: net 'lens' has no discriminator; the discriminator nets are: dcgan, mlp"),
    ("nets.encoder", {"name": "mlp"}, r"the gan model has no net 'encoder' \(config.nets.encoder\); its nets are: "
                                      r"generator, discriminator, lens"),
    ("g_optimizer.name", "adamm", r"unknown g_optimizer.name 'adamm'; choose one of: adam, rmsprop, sgd"),
    ("model.n_critc", 5, r"config.model.n_critc is not an option of the gan model; its options are: objective, "
                         r"n_critic, gp_weight"),
    ("d_optimizer.decay_from", 0.5, None),  # a valid decay: read, no error
    ("d_optimizer.decay_from", 1.5, r"config.d_optimizer.decay_from is a fraction of config.steps in \[0, 1\), not 1.5"),
])
def test_a_bad_key_is_one_sentence_naming_it(key, value, message):
    config = configs.load("nsgan_toy")
    *path, last = key.split(".")
    node = config
    for part in path:
        node = node[part]
    with node.ignore_type():
        node[last] = value
    if message is None:
        assert spec.read(config)
        return
    with pytest.raises(UserError, match=message):
        spec.read(config)


def test_is_integer_takes_ints_within_both_bounds_and_nothing_else():
    assert is_integer(0, 0) and is_integer(10_000, 0, 10_000) and is_integer(2 ** 40, 1)
    assert not is_integer(-1, 0) and not is_integer(10_001, 0, 10_000) and not is_integer(0, 1)
    assert not any(is_integer(v, 0) for v in (True, False, 1.0, "1", None))


def test_positive_returns_a_positive_integer_and_names_the_key_of_anything_else():
    assert positive("steps", 7) == 7
    with pytest.raises(UserError, match=r"^config.model.pac must be a positive integer, not True$"):
        positive("model.pac", True)


def test_every_model_names_the_builder_role_of_each_of_its_nets():
    from zoo import nets

    for name, cls in MODELS.items():
        assert list(cls.net_roles()) == list(cls.NETS) + list(cls.OPTIONAL), name
        assert set(cls.net_roles().values()) <= set(nets.ROLES), name
        assert set(cls.BUILT_AS) <= set(cls.net_roles()), name
    assert MODELS["avb"].net_roles() == {"encoder": "encoder", "decoder": "generator", "adversary": "joint_discriminator"}
    config = configs.load("vae_toy")
    del config.nets["decoder"]
    with pytest.raises(UserError, match=r"the vae model needs config.nets.decoder"):
        spec.read(config)
    config = configs.load("vae_toy", {"nets.decoder.name": "lens"})
    with pytest.raises(UserError, match=r"config.nets.decoder \(the vae model's decoder is a generator net\): net 'lens' "
                                        r"has no generator; the generator nets are: bigan_mlp, dcgan, mlp$"):
        spec.read(config)
    config = configs.load("vae_toy")
    config.model.iwae = 5  # a config file's typo: every model checks its option names when read
    with pytest.raises(UserError, match=r"config.model.iwae is not an option of the vae model; its options are: "
                                        r"likelihood, likelihood_std, iwae_k$"):
        spec.read(config)
    config = configs.load("vae_toy")
    config.nets.lens = {"name": "lens"}
    with pytest.raises(UserError, match=r"the vae model has no net 'lens' \(config.nets.lens\); its nets are: encoder, decoder"):
        spec.read(config)


def test_the_keys_a_resumed_run_may_change_are_the_specs_run_keys(tmp_path):
    config = configs.load("nsgan_toy")
    workdir.check_config(config, str(tmp_path), write=True)
    for key, value in (("steps", 99), ("intra_op_threads", 2), ("eval.num_samples", 10)):
        workdir.check_config(configs.load("nsgan_toy", {key: value}), str(tmp_path), write=False)  # accepted
    assert set(spec.RUN_KEYS) == {"steps", "eval", "intra_op_threads"}
    changed = configs.load("nsgan_toy", {"seed": 1})
    with pytest.raises(UserError, match=r"keys seed differ"):
        workdir.check_config(changed, str(tmp_path), write=False)


def test_a_lens_needs_its_optimizer():
    config = configs.load("tempered_toy")
    assert spec.read(config).optimizers["lens_optimizer"].name == "adam"
    del config["lens_optimizer"]
    with pytest.raises(UserError, match="the gan model needs config.lens_optimizer"):
        spec.read(config)


def test_a_config_json_from_before_the_added_keys_resumes_and_reads(tmp_path):
    """config.json of a run from before jit_compile, intra_op_threads, mixed_precision and the folder
    keys existed: resumed under today's config (its precision resolved to the run's float32) and read
    into a Spec for evaluation and export, with the values that reproduce the run."""
    import json

    from zoo.data import folder

    config = configs.load("nsgan_toy", {"mixed_precision": None})
    old = json.loads(config.to_json())
    for key in ("jit_compile", "intra_op_threads", "mixed_precision"):
        del old[key]
    for key in folder.DEFAULTS:
        del old["data"][key]
    (tmp_path / workdir.CONFIG).write_text(json.dumps(old))
    workdir.check_config(config, str(tmp_path), write=False)
    s = spec.read(workdir.read_config(str(tmp_path)))
    assert (s.execution.jit_compile, s.intra_op_threads, s.execution.precision) == (False, 0, None)


def test_a_spec_is_read_for_its_replicas_and_a_missing_key_is_one_sentence():
    s = spec.read(configs.load("nsgan_toy"))
    assert spec.read(s) is s and spec.read(s, replicas=1) is s
    with pytest.raises(ValueError, match="read for 1 replica"):
        spec.read(s, replicas=2)
    config = configs.load("nsgan_toy")
    del config["log_every"]
    with pytest.raises(UserError, match="the config lacks a key every run needs"):
        spec.read(config)
    import json

    from ml_collections import ConfigDict

    config = ConfigDict(json.loads(configs.load("nsgan_toy").to_json()))  # as a workdir's config.json: lists
    s = spec.read(config)
    widths = list(config.nets.generator.widths)
    config.nets.generator.widths.append(7)  # the Spec shares no list with the config
    assert s.nets["generator"].options["widths"] == widths


def test_what_only_building_finds_is_one_sentence_naming_the_key():
    config = configs.load("nsgan_toy")
    config.g_optimizer.beta_3 = 0.1
    with pytest.raises(UserError, match=r"^config.g_optimizer has an option Keras's adam optimizer does not take: "):
        build.model(config)
    config = configs.load("vae_toy")
    config.nets.decoder.depthh = 2
    with pytest.raises(UserError, match=r"^config.nets.decoder: bad options for the 'mlp' generator: "):
        build.model(config)
