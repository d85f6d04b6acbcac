"""Experiment configs: one Python file per recipe, each with get_config() -> ml_collections.ConfigDict."""
import os

DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(DIR, "nsgan_toy.py")
