"""The checks of user input the zoo's modules share; each raises zoo_core.errors.UserError (the one
exception type for user mistakes: every command prints its sentence and exits 2)."""
from zoo_core.errors import UserError


def choose(kind, name, choices):
    """Returns `choices[name]`, or raises a UserError naming the valid choices."""
    if name not in choices:
        raise UserError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(choices))}")
    return choices[name]


def is_integer(value, least, most=None):
    """True when `value` is an int (a bool is not one) from `least` to `most` (no upper bound when None):
    the one test behind every integer config key's check; each caller words its own message."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return least <= value and (most is None or value <= most)


def is_number(value):
    """True when `value` is an int or a float (a bool is not one): the one test behind every real-valued
    config key's check; each caller adds its range and words its own message."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def positive(key, value):
    """Returns `value`, or raises a UserError when it is not a positive integer: config.KEY's one message."""
    if not is_integer(value, 1):
        raise UserError(f"config.{key} must be a positive integer, not {value!r}")
    return value

