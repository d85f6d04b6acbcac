"""Experiment configs: one Python file per recipe, each with get_config() -> ml_collections.ConfigDict."""
import os

DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(DIR, "nsgan_toy.py")


def load(name, overrides=None):
    """configs/NAME.py's config with `overrides` ({"dotted.key": value}) applied."""
    import importlib

    config = importlib.import_module(f"configs.{name}").get_config()
    for key, value in (overrides or {}).items():
        node = config
        *path, last = key.split(".")
        for part in path:
            node = node[part]
        node[last] = value
    return config
