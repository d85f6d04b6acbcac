"""Shared CLI plumbing: quiet TensorFlow (train.runtime, on import: the entry points import this
first), and user mistakes as one line and exit code 2."""
import functools
import re
import sys

from train import runtime

runtime.quiet()


def quiet_absl():
    """absl's app.run sets its log's verbosity from its flags: back to errors only (ZOO_VERBOSE=1: as is)."""
    from absl import logging

    if not runtime.VERBOSE:
        logging.set_verbosity(logging.ERROR)


def user_errors(main):
    """Wraps an absl main: a UserError or a missing file prints one sentence and exits 2."""

    from zoo.errors import exit_on_user_error

    @functools.wraps(main)
    def quiet(argv):
        quiet_absl()
        return main(argv)

    return exit_on_user_error(quiet)


def _one_line(e):
    """One sentence for an exception raised while absl/ml_collections parse the command line."""
    text = str(e).strip()
    if isinstance(e, (AttributeError, KeyError)):  # ml_collections: an override of an unknown key
        paths = [a[len("--config."):].split("=")[0] for a in sys.argv if a.startswith("--config.")]
        key = next((p for p in paths if re.search(rf"\b{re.escape(p.split('.')[-1])}\b", text)), text)
        hint = re.search(r'Did you mean "(\w+)"', text)
        hint = f"; did you mean {hint.group(1)!r}?" if hint else " (the config file lists its keys)"
        return f"unknown config key {key!r} in --config.{key}=...{hint}"
    if isinstance(e, OSError) or "Attempted" in text:
        return "cannot read the --config file: " + text.splitlines()[-1].strip()
    if "Error whilst parsing config file" in text:  # get_config raised: its own message is the last line
        return re.sub(r"^\w+(Error|Exception): ", "", text.splitlines()[-1].strip())
    return text.splitlines()[0]


def parse_flags_or_exit(define=None):
    """Runs `define()` (flag definitions that parse defaults) and returns an absl flags_parser.

    Both turn a bad command line (unknown config key, bad value, missing config file) into one
    line on stderr and exit status 2, instead of a traceback.
    """
    from absl import flags

    errors = (flags.Error, AttributeError, KeyError, OSError, ValueError, TypeError)
    try:
        if define is not None:
            define()
    except errors as e:
        print(f"error: {_one_line(e)}", file=sys.stderr)
        sys.exit(2)

    def parser(argv):
        try:
            rest = flags.FLAGS(argv)
            if "config" in flags.FLAGS:
                flags.FLAGS["config"].value.keys()  # a config file that failed to load raises here
            return rest
        except errors as e:
            print(f"error: {_one_line(e)}", file=sys.stderr)
            sys.exit(2)

    return parser
