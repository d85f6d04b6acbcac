"""The one exception type for user mistakes: the CLIs print its message and exit non-zero."""


class UserError(ValueError):
    """A mistake in what the user asked for (config key, name, path, missing data)."""


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


def positive(key, value):
    """Returns `value`, or raises a UserError when it is not a positive integer: config.KEY's one message."""
    if not is_integer(value, 1):
        raise UserError(f"config.{key} must be a positive integer, not {value!r}")
    return value


def exit_on_user_error(main):
    """Wraps an absl main: a UserError prints `error: MESSAGE` on stderr and exits with status 2."""
    import functools
    import sys

    @functools.wraps(main)
    def wrapped(argv):
        try:
            return main(argv)
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            sys.exit(2)

    return wrapped
