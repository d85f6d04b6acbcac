"""Every config: the common keys, and a docstring with its paper and exact run command."""
import importlib
import inspect
import json
import re
import pathlib

import pytest

import configs
from zoo import data, objectives
from zoo.models import MODELS
from zoo.objectives import NAMES as OBJECTIVES

CONFIG_DIR = pathlib.Path(__file__).resolve().parents[1] / "configs"
NAMES = sorted(p.stem for p in CONFIG_DIR.glob("*_*.py") if not p.stem.startswith("_"))


def test_the_recipes_exist():
    assert NAMES == sorted([f"{m}_{d}" for m in ("mmgan", "nsgan", "lsgan", "wgan", "wgangp")
                            for d in ("toy", "mnist")] + ["nsgan_stacked_mnist", "pacgan_toy", "fgan_toy", "fgan_mnist"]
                           + ["bigan_mnist", "ali_mnist", "age_mnist", "avb_mnist", "vae_mnist", "avb_toy", "vae_toy"]
                           + ["tempered_mnist", "tempered_toy"])


@pytest.mark.parametrize("name", NAMES)
def test_config_contract(name):
    module = importlib.import_module(f"configs.{name}")
    c = module.get_config()
    model = c.model.to_dict()
    assert c.name == name and model.pop("name") in MODELS and c.data.name in data.NAMES
    assert {k: c.data[k] for k in data.folder.DEFAULTS} == data.folder.DEFAULTS  # any config trains on a folder
    # one schema for every family: the model is {name, **options}, each option a keyword of its class
    assert set(model) <= set(inspect.signature(MODELS[c.model.name].__init__).parameters)
    assert not [key for key in configs.leaves(c.to_dict()) if configs.moved(key)]  # no key of an old schema
    if c.model.name == "gan":  # the objective is {name, **its options}, as every plug-in
        assert c.model.objective.name in OBJECTIVES and c.model.n_critic >= 1
        assert callable(objectives.make(c.model.objective.to_dict()))
    for key in ("seed", "steps", "data.batch_size", "eval.num_samples",
                *(f"{opt}.learning_rate" for opt in MODELS[c.model.name].OPTIMIZERS)):
        node = c
        for part in key.split("."):
            node = node[part]
    assert c.steps % c.log_every == 0
    assert f"python -m train --config=configs/{name}.py" in module.__doc__
    assert re.search(r"(et al\.|& \w+) 20\d\d", module.__doc__)  # names its paper


@pytest.mark.parametrize("name, clip, gp, critics", [("wgan_toy", 0.01, 0.0, 5), ("wgangp_toy", 0.0, 0.1, 5)])
def test_wasserstein_recipes_follow_their_papers(name, clip, gp, critics):
    c = importlib.import_module(f"configs.{name}").get_config()
    assert (c.model.clip_value, c.model.gp_weight, c.model.n_critic) == (clip, gp, critics)
    if name == "wgan_toy":
        assert c.d_optimizer.name == "rmsprop" and c.d_optimizer.learning_rate == 5e-5
    else:
        # the official toy code's (gan_toy.py): lambda 0.1, Adam(1e-4, 0.5, 0.9), 3 x 512 ReLU, batch 256
        assert (c.d_optimizer.name, c.d_optimizer.learning_rate, c.d_optimizer.beta_1, c.d_optimizer.beta_2) \
            == ("adam", 1e-4, 0.5, 0.9)
        assert c.nets.discriminator.widths == (512, 512, 512) and c.nets.discriminator.activation == "relu"
        assert c.nets.generator.init == c.nets.discriminator.init == "he_uniform"
        assert c.data.batch_size == 256 and c.data.name == "ring_unit"  # its data at unit std per coordinate


def test_encoder_recipes_follow_their_papers():
    from configs import age_mnist, ali_mnist, avb_mnist, bigan_mnist

    b = bigan_mnist.get_config()  # the official BiGAN MNIST setting (../shared/REFERENCES.md)
    assert (b.latent_dim, b.data.batch_size, b.model.prior, b.g_optimizer.learning_rate) == (50, 128, "uniform", 2e-4)
    assert b.data.split == "train[:50000]" and b.g_optimizer.decay_from == b.d_optimizer.decay_from == 0.5
    assert b.model.l2 == 2.5e-5  # train_gan.py --decay
    assert b.model.squash and b.nets.encoder.name == "bigan_mlp"  # --noise u-50, net.py mnist_mlp
    assert ali_mnist.get_config().model.stochastic
    a = age_mnist.get_config()  # the official AGE setting
    assert (a.model.mu, a.model.lam, a.model.g_updates, a.latent_dim) == (10.0, 1000.0, 2, 128)
    v = avb_mnist.get_config()
    assert v.latent_dim == 32 and v.model.adaptive_contrast and v.data.name == "binarized_mnist"


def test_tempered_recipes_add_the_paper_lens_to_any_base_recipe():
    import configs

    ns = configs.load("tempered_mnist")
    assert (ns.model.objective.name, ns.nets.lens.width, ns.nets.lens.depth, ns.model.lens_k) == (
        "non_saturating", 32, 8, 1000)
    assert ns.lens_optimizer == ns.d_optimizer and ns.nets.generator == configs.load("nsgan_mnist").nets.generator
    gp = configs.load("tempered_mnist:wgangp")  # the base recipe's critic settings come along
    options = gp.model
    assert (options.objective.name, options.gp_weight, options.n_critic, gp.nets.discriminator.norm) == (
        "wasserstein", 10.0, 5, "layer")
    assert configs.load("tempered_toy:fgan").model.objective.name == "f_gan"
    with pytest.raises(ValueError, match="unknown base recipe 'vae'.*nsgan"):
        configs.load("tempered_mnist:vae")


def _flat_objective(config):
    """config.json as written while a GAN's objective was a name beside the f-GAN's options in
    config.model (the third schema)."""
    old = json.loads(config.to_json())
    objective = old["model"].pop("objective", None)
    if objective is not None:
        old["model"]["objective"] = objective.pop("name")
        old["model"].update(objective)
    return old


def _model_options(config):
    """config.json as written while the model's options were under model_options (the second schema)."""
    old = _flat_objective(config)
    options = old.pop("model")
    old["model"] = options.pop("name")
    old["model_options"] = options
    return old


def _top_level(config):
    """config.json as written before the GAN's options moved under model_options (the first schema)."""
    old = _model_options(config)
    for key, value in old.pop("model_options").items():
        if key == "lens_k":
            old["lens"] = {"k": value}
        else:
            old[key] = value
    return old


@pytest.mark.parametrize("schema", [_top_level, _model_options, _flat_objective])
@pytest.mark.parametrize("name", ["fgan_toy", "tempered_mnist:wgangp", "wgan_mnist"])
def test_a_config_json_of_an_old_schema_upgrades_to_todays(name, schema, tmp_path):
    from train import workdir

    config = configs.load(name)
    old = schema(config)
    assert old != json.loads(config.to_json())
    assert isinstance(old["model"], str) == (schema is not _flat_objective)
    assert ("objective" in old) == (schema is _top_level) and ("model_options" in old) == (schema is _model_options)
    if name == "fgan_toy":  # the objective was a name beside the f-GAN's options
        options = {_top_level: old, _model_options: old.get("model_options"), _flat_objective: old["model"]}[schema]
        assert (options["objective"], options["divergence"], options["output_bound"]) == ("f_gan", "kl", 20.0)
    assert configs.upgrade(old) == json.loads(config.to_json())
    assert configs.upgrade({"steps": 3}) == {"steps": 3}  # not a run's config: check_config refuses it in one sentence
    (tmp_path / workdir.CONFIG).write_text(json.dumps(old))
    workdir.check_config(config, str(tmp_path), write=False)  # the old run resumes under today's config
    assert json.loads(workdir.read_config(str(tmp_path)).to_json()) == json.loads(config.to_json())
    config.model.n_critic += 1
    with pytest.raises(workdir.UserError, match=r"keys model.n_critic differ"):
        workdir.check_config(config, str(tmp_path), write=False)


def test_leaves_name_every_leaf_by_its_dotted_key():
    tree = {"model": {"name": "gan", "pac": 4}, "nets": {"generator": {"widths": [400, 400]}}, "eval": {}, "seed": 0}
    assert configs.leaves(tree) == {"model.name": "gan", "model.pac": 4, "nets.generator.widths": [400, 400],
                                    "eval": {}, "seed": 0}  # an empty section is a leaf: a config can differ by it


def test_mlp_batch_norm_settings_default_to_the_builders_and_old_runs_resume_with_them(tmp_path):
    from train import workdir
    from zoo.nets import mlp

    for builder in (mlp.generator, mlp.encoder):
        defaults = inspect.signature(builder).parameters
        assert {k: defaults[k].default for k in configs.MLP_BATCH_NORM} == configs.MLP_BATCH_NORM
    config = configs.load("pacgan_toy")
    assert {k: config.nets.generator[k] for k in configs.MLP_BATCH_NORM} == configs.MLP_BATCH_NORM
    old = json.loads(config.to_json())  # config.json as written before the settings were listed
    for key in configs.MLP_BATCH_NORM:
        del old["nets"]["generator"][key]
    (tmp_path / workdir.CONFIG).write_text(json.dumps(old))
    workdir.check_config(config, str(tmp_path), write=False)  # resumes: it was built with these
    config.nets.generator.batch_norm_momentum = 0.95  # PacGAN's: another run
    with pytest.raises(workdir.UserError, match=r"keys nets.generator.batch_norm_momentum differ"):
        workdir.check_config(config, str(tmp_path), write=False)
    # a config of one's own that leaves the settings out is upgraded too: it resumes a run that lists them
    (tmp_path / workdir.CONFIG).write_text(configs.load("pacgan_toy").to_json())
    mine = configs.load("pacgan_toy")
    for key in configs.MLP_BATCH_NORM:
        del mine.nets.generator[key]
    workdir.check_config(mine, str(tmp_path), write=False)
    # and a run trained with batch norm off (--config.nets.generator.batch_norm=False) resumes as well
    off = configs.load("pacgan_toy", {"nets.generator.batch_norm": False})
    old = json.loads(off.to_json())
    for key in configs.MLP_BATCH_NORM:
        del old["nets"]["generator"][key]
    (tmp_path / workdir.CONFIG).write_text(json.dumps(old))
    workdir.check_config(off, str(tmp_path), write=False)
    assert "batch_norm_epsilon" not in configs.upgrade({"nets": {"d": {"name": "mlp", "widths": [2]}}})["nets"]["d"]
