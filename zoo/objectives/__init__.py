"""Objectives: name -> objective(real, fake) -> (per-example d_loss, per-example g_loss).

Adding an objective is one function and one entry in OBJECTIVES. The f-GAN family is one more
name, "f_gan", parameterised by a divergence (zoo.objectives.fdiv); `make` builds any of them from
its name or from {name: ..., **its options}, the form of every plug-in of a config.
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
# the f_gan objective's options and their defaults
F_GAN_OPTIONS = dict(divergence=None, divergence_param=None, g_update="alternative", output_bound=None)


def spec(objective):
    """`objective` (a name of NAMES, or {name: ..., **its options}) as {name: ..., **its options}, a new dict."""
    if not isinstance(objective, str) and not hasattr(objective, "keys"):
        raise UserError(f"config.model.objective is a name or {{name: ..., **its options}}, not {objective!r}")
    return {"name": objective} if isinstance(objective, str) else dict(objective)


def make(objective):
    """The objective function of `objective`: a name of NAMES, or {name: ..., **its options} (a
    config's model.objective). "f_gan" takes `divergence` (a name of fdiv.DIVERGENCES), its
    `divergence_param` (pi or alpha), the generator update `g_update` ("alternative", the paper's
    default, or "saddle") and the critic's `output_bound` (see zoo.objectives.fdiv.fgan_objective);
    the others take no options."""
    options = spec(objective)
    name = options.pop("name", None)
    if name is None:
        raise UserError(f"config.model.objective needs a name: {{name: ..., **its options}}, not {objective!r}")
    if name == F_GAN:
        unknown = sorted(set(options) - set(F_GAN_OPTIONS))
        if unknown:
            raise UserError(f"config.model.objective.{unknown[0]} is not an option of the f_gan objective; "
                            f"its options are: {', '.join(F_GAN_OPTIONS)}")
        options = F_GAN_OPTIONS | options
        if options["divergence"] is None:
            raise UserError("objective 'f_gan' needs a divergence (--config.model.objective.divergence=NAME; "
                            f"one of: {', '.join(fdiv.DIVERGENCES)})")
        bound = float(options["output_bound"]) if options["output_bound"] else None  # 0 or None: the raw output
        return fdiv.fgan_objective(fdiv.make(options["divergence"], options["divergence_param"]),
                                   options["g_update"], bound)
    fn = choose("objective", name, dict.fromkeys(NAMES) | OBJECTIVES)
    if options:
        raise UserError(f"the {name} objective takes no options (config.model.objective.{sorted(options)[0]}); "
                        f"only f_gan does ({', '.join(F_GAN_OPTIONS)})")
    return fn


__all__ = ["OBJECTIVES", "NAMES", "F_GAN", "F_GAN_OPTIONS", "spec", "make", "clip_weights", "gradient_penalty", "fdiv"]
