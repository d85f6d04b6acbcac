"""The optimizers of a run: config entry {name: adam | rmsprop | sgd, **Keras options, decay_from}.

`check` is what train.spec.read asks of every optimizer entry before anything is built; `build` makes
the Keras optimizer (train.build), at `learning_rate` (train.trainer sets it again on a resumed run);
`decay_start` is where a decaying rate starts (train.workdir checks a resumed run against it).
"""
import keras

from zoo import schedules
from zoo.errors import UserError, choose, is_number

OPTIMIZERS = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
              "sgd": keras.optimizers.SGD}


def decay_start(decay_from, steps):
    """The update at which a learning rate with option `decay_from` (a fraction of the run's `steps`)
    starts to decay."""
    return int(decay_from * steps)


def check(part, key):
    """A UserError naming config.`key` unless optimizer `part` (a train.spec.Part) names a known
    optimizer and, with decay_from, a fraction in [0, 1) of a learning_rate."""
    choose(f"{key}.name", part.name, OPTIMIZERS)
    decay_from = part.options.get("decay_from")
    if decay_from is None:
        return
    if not (is_number(decay_from) and 0 <= decay_from < 1):
        raise UserError(f"config.{key}.decay_from is a fraction of config.steps in [0, 1), not {decay_from!r}")
    rate = part.options.get("learning_rate")
    if not is_number(rate):
        raise UserError(f"config.{key}.decay_from decays config.{key}.learning_rate, which must be a number, "
                        f"not {rate!r}")


def learning_rate(part, steps=None):
    """The learning rate of optimizer `part` in a run of `steps`: its `learning_rate`, or with option
    `decay_from` (a fraction f in [0, 1) of `steps`, the run's config.steps) a schedule: constant for
    f * steps of this optimizer's updates, then linearly down to 0 at `steps` updates
    (zoo.schedules.ConstantThenLinear; the official BiGAN recipe: f = 0.5). It counts the optimizer's
    own updates: exact for models that update each optimizer once per step."""
    decay_from = part.options.get("decay_from")
    if decay_from is None:
        return part.options.get("learning_rate")
    return schedules.ConstantThenLinear(part.options["learning_rate"], decay_start(decay_from, steps), steps)


def build(part, steps=None, constant=False, key="optimizer"):
    """The Keras optimizer of `part` (checked by `check`; config.`key`), at learning_rate(part, steps);
    `constant`: at the entry's constant rate whatever its decay_from (a run resumed from a state saved
    before its decay was set: train.trainer sets the schedule once restored)."""
    options = dict(part.options)
    options.pop("decay_from", None)
    if not constant:
        options["learning_rate"] = learning_rate(part, steps)
    try:
        return OPTIMIZERS[part.name](**options)
    except (TypeError, ValueError) as e:  # an option Keras's optimizer does not take, or a bad value
        raise UserError(f"config.{key} has an option Keras's {part.name} optimizer does not take: {e}") from None
