"""Objectives: name -> objective(real, fake) -> (per-example d_loss, per-example g_loss).

Adding an objective is one function and one entry in OBJECTIVES. The f-GAN family is one more
name, "f_gan", parameterised by a divergence (zoo.objectives.fdiv); `make` builds any of them.
"""
from zoo.errors import UserError, choose
from zoo.objectives import fdiv
from zoo.objectives.gan import (clip_weights, gradient_penalty, least_squares, minimax,
                                non_saturating, wasserstein)

OBJECTIVES = {
    "minimax": minimax,
    "non_saturating": non_saturating,
    "least_squares": least_squares,
    "wasserstein": wasserstein,
}
F_GAN = "f_gan"
NAMES = tuple(OBJECTIVES) + (F_GAN,)


def make(name, divergence=None, divergence_param=None, g_update="alternative", output_bound=None):
    """The objective function `name`; for "f_gan", of `divergence` (with its parameter), the
    generator update ("alternative", the paper's default, or "saddle") and the critic's output
    bound (see zoo.objectives.fdiv.fgan_objective)."""
    if name == F_GAN:
        if divergence is None:
            raise UserError("objective 'f_gan' needs a divergence (--config.model.divergence=NAME; one of: "
                            f"{', '.join(fdiv.DIVERGENCES)})")
        return fdiv.fgan_objective(fdiv.make(divergence, divergence_param), g_update, output_bound)
    if divergence is not None:
        raise UserError(f"a divergence ({divergence!r}) only applies to objective 'f_gan', not {name!r}")
    return choose("objective", name, dict.fromkeys(NAMES) | OBJECTIVES)


__all__ = ["OBJECTIVES", "NAMES", "F_GAN", "make", "clip_weights", "gradient_penalty", "fdiv"]
