"""Experiment configs: one Python file per recipe, each with get_config() -> ml_collections.ConfigDict."""
import os

DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(DIR, "nsgan_toy.py")
# keys that moved (old dotted key -> new one): the GAN's options were top-level keys until every
# model's options went under model_options (zoo.models.GAN's keyword arguments, as the other models')
MOVED_KEYS = {**{key: f"model_options.{key}" for key in ("objective", "n_critic", "gp_weight", "clip_value", "pac",
                                                           "divergence", "divergence_param", "g_update",
                                                           "output_bound")},
              "lens.k": "model_options.lens_k"}


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
    """A run's config.json (a dict) in today's schema: MOVED_KEYS moved to their new place, so that a
    workdir written before a key moved resumes, evaluates and re-exports as it was."""
    import json

    config = json.loads(json.dumps(config))  # a deep copy
    for old, new in MOVED_KEYS.items():
        *parents, leaf = old.split(".")
        node = config
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or leaf not in node:
            continue
        value = node.pop(leaf)
        if parents and not config[parents[0]]:  # a section left empty (lens)
            del config[parents[0]]
        section, key = new.split(".")
        config.setdefault(section, {})[key] = value
    return config
