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
    if isinstance(e, SyntaxError):
        return f"the --config file {e.filename} has a syntax error at line {e.lineno}: {e.msg}"
    if isinstance(e, AttributeError) and "get_config" in text:
        return "the --config file defines no get_config() (configs/*.py show the form)"
    if isinstance(e, NameError):
        return f"the --config file fails to load: {text}"
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

    errors = (flags.Error, AttributeError, KeyError, OSError, ValueError, TypeError, SyntaxError, NameError)
    try:
        if define is not None:
            define()
    except errors as e:
        print(f"error: {_one_line(e)}", file=sys.stderr)
        sys.exit(2)

    def parser(argv):
        wants_help = any(a in ("--help", "-h", "--helpfull", "-?") for a in argv[1:])
        argv = [a for a in argv if a not in ("--help", "-h", "--helpfull", "-?")]
        for arg in argv[1:]:
            if arg.startswith("--config=") and arg.split(":")[0].endswith(".json"):
                print("error: --config takes a config file (configs/NAME.py), not a run's config.json: to "
                      "continue that run, pass its folder as --workdir", file=sys.stderr)
                sys.exit(2)
        try:
            rest = flags.FLAGS(argv)
            if "config" in flags.FLAGS:
                flags.FLAGS["config"].value.keys()  # a config file that failed to load raises here
        except errors as e:
            if not wants_help:  # --help alone (a required flag missing) still shows the help
                print(f"error: {_one_line(e)}", file=sys.stderr)
                sys.exit(2)
        if wants_help:
            print_help()
            sys.exit(0)
        return rest

    return parser


def print_help():
    """The command's docstring, its flags and (for commands with --config) every config key with its value."""
    from absl import flags

    main = sys.modules["__main__"]
    print((main.__doc__ or "").strip() + "\n")
    print(flags.FLAGS.main_module_help() or "")
    if "config" in flags.FLAGS and flags.FLAGS.is_parsed():
        print(f"\nConfig keys of {flags.FLAGS['config'].config_filename} (override any with --config.KEY=VALUE):")
        for key, value in _flat(flags.FLAGS.config.to_dict()):
            print(f"  {key} = {value!r}")


def _flat(tree, prefix=""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
