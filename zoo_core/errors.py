"""The one exception type for user mistakes, and the one way a command fails on one: `error: MESSAGE`
on stderr and exit status 2. No TensorFlow: the serving tools (export.sample, export.encode,
export.web) fail the same way as the trainer."""
import functools
import sys


class UserError(ValueError):
    """A mistake in what the user asked for (config key, name, path, missing data)."""


def say(message):
    """Prints the line every command prints when it fails: `error: MESSAGE` on stderr."""
    print(f"error: {message}", file=sys.stderr)


def fail(message, status=2):
    """The one way out of a command that failed: `say(message)`, exit `status` (2: the user's mistake)."""
    say(message)
    sys.exit(status)


def exit_on_user_error(main):
    """Wraps a command's main (absl's, which takes argv): a UserError is `fail`'s line and exit 2."""

    @functools.wraps(main)
    def wrapped(*args):
        try:
            return main(*args)
        except UserError as e:
            fail(e)

    return wrapped
