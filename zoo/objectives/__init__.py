"""Objectives: name -> objective(real, fake) -> (per-example d_loss, per-example g_loss).

Adding an objective is one function and one entry here.
"""
from zoo.objectives.gan import (clip_weights, gradient_penalty, least_squares, minimax,
                                non_saturating, wasserstein)

OBJECTIVES = {
    "minimax": minimax,
    "non_saturating": non_saturating,
    "least_squares": least_squares,
    "wasserstein": wasserstein,
}

__all__ = ["OBJECTIVES", "clip_weights", "gradient_penalty"]
