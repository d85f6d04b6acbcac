"""Experiment configs: one Python file per recipe, each with get_config() -> ml_collections.ConfigDict."""
import os

DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(DIR, "nsgan_toy.py")


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
