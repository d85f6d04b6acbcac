"""Experiment configs: one Python file per recipe, each with get_config() -> ml_collections.ConfigDict."""
import os

DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(DIR, "pacgan_toy.py")  # what `python -m train` trains with no flags
# keys that moved (old dotted key -> new one). The GAN's options were top-level keys, then every
# model's options went under model_options; then the model became one entry {name, **its options} like
# every other plug-in (data, nets, optimizers): config.model.name and config.model.OPTION; now the
# GAN's objective is one too: config.model.objective = {name, **its options} (the f-GAN's divergence,
# divergence_param, g_update and output_bound). `moved` follows a key through every move.
GAN_OPTIONS = ("objective", "n_critic", "gp_weight", "clip_value", "pac", "divergence", "divergence_param",
               "g_update", "output_bound")
OBJECTIVE_OPTIONS = ("divergence", "divergence_param", "g_update", "output_bound")
MOVED_KEYS = {**{key: f"model.{key}" for key in GAN_OPTIONS}, "lens.k": "model.lens_k", "model": "model.name",
              "model.objective": "model.objective.name",
              **{f"model.{key}": f"model.objective.{key}" for key in OBJECTIVE_OPTIONS}}
MOVED_PREFIXES = {"model_options.": "model."}
# zoo.nets.mlp's batch-norm settings when a config does not list them (Keras's defaults): every run
# before the configs listed them (configs.common) was built with these
MLP_BATCH_NORM = {"batch_norm_epsilon": 1e-3, "batch_norm_momentum": 0.99}


def leaves(tree, prefix=""):
    """{dotted key: value} of a config's leaves (a dict, e.g. from config.json; an empty section is a leaf)."""
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            out.update(leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _moved_once(key):
    """Where `key` went in the one move that moved it (None if none did)."""
    if key in MOVED_KEYS:
        return MOVED_KEYS[key]
    for old, new in MOVED_PREFIXES.items():
        if key.startswith(old):
            return new + key[len(old):]
    return None


def moved(key):
    """Where the dotted config key `key` of an older schema lives now (followed through every move),
    or None if it did not move."""
    new = None
    while (step := _moved_once(key)) is not None:
        key = new = step
    return new


def load(name, overrides=None):
    """configs/NAME.py's config with `overrides` ({"dotted.key": value}) applied; "NAME:ARG" passes
    ARG to get_config, as `--config=configs/NAME.py:ARG` does."""
    import importlib

    name, _, arg = name.partition(":")
    module = importlib.import_module(f"configs.{name}")
    config = module.get_config(arg) if arg else module.get_config()
    for key, value in (overrides or {}).items():
        node = config
        *path, last = key.split(".")
        for part in path:
            node = node[part]
        node[last] = value
    return config


def upgrade(config):
    """A run's config.json (a dict) in today's schema, so that a workdir written before a key moved
    resumes, evaluates and re-exports as it was: the GAN's top-level options and lens.k (the first
    schema) and model_options (the second) go into config.model = {name, **options} (the third), and
    the GAN's objective and the f-GAN's options into config.model.objective = {name, **options}; an
    mlp net that takes batch norm (its batch_norm on or off) gets the settings it was built with
    where it does not list them (MLP_BATCH_NORM, zoo.nets.mlp's defaults)."""
    import json

    config = json.loads(json.dumps(config))  # a deep copy
    if isinstance(config.get("model"), str):
        options = config.pop("model_options", None) or {}
        for key in GAN_OPTIONS:
            if key in config:
                options[key] = config.pop(key)
        if isinstance(config.get("lens"), dict) and "k" in config["lens"]:
            options["lens_k"] = config["lens"].pop("k")
            if not config["lens"]:
                del config["lens"]
        config["model"] = {"name": config["model"], **options}
    model = config.get("model")
    if isinstance(model, dict) and isinstance(model.get("objective"), str):
        objective = {"name": model.pop("objective")}
        for key in OBJECTIVE_OPTIONS:
            if key in model:
                objective[key] = model.pop(key)
        model["objective"] = objective
    for net in (config.get("nets") or {}).values():  # zoo.nets.mlp's batch-norm settings, listed since
        if isinstance(net, dict) and net.get("name") == "mlp" and "batch_norm" in net:  # 2026-11-29, on or off
            for key, value in MLP_BATCH_NORM.items():
                net.setdefault(key, value)
    return config
