"""Shared CLI plumbing: quiet TensorFlow (train.runtime, on import: the entry points import this
first), and every way a command fails as one line on stderr (zoo_core.errors.fail): a bad command
line or a UserError exits 2, a diverged training run (train.callbacks.NonFiniteLoss) 3."""
import functools
import os
import sys

import configs
from train import runtime
from zoo_core.errors import UserError, fail

runtime.quiet()


def quiet_absl():
    """absl's app.run sets its log's verbosity from its flags: back to errors only (ZOO_VERBOSE=1: as is)."""
    from absl import logging

    if not runtime.VERBOSE:
        logging.set_verbosity(logging.ERROR)


def user_errors(main):
    """Wraps an absl main: a UserError prints its sentence and exits 2, a training run whose loss
    became NaN or infinite (NonFiniteLoss) exits 3."""

    @functools.wraps(main)
    def wrapped(argv):
        quiet_absl()
        try:
            return main(argv)
        except UserError as e:
            fail(e)
        except RuntimeError as e:
            from train.callbacks import NonFiniteLoss  # Keras: imported only once something failed

            if not isinstance(e, NonFiniteLoss):
                raise
            fail(e, status=3)

    return wrapped


def _load_config_file(spec):
    """The ConfigDict of `--config=PATH[:ARG]` (get_config(ARG)), or a UserError saying in one
    sentence why the file gives none. ml_collections loads the file again when it parses the flags."""
    import importlib.util

    path, _, arg = spec.partition(":")
    if not os.path.isfile(path):
        raise UserError(f"cannot read the --config file {path}: no such file")
    try:
        module_spec = importlib.util.spec_from_file_location("_checked_config", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    except SyntaxError as e:
        raise UserError(f"the --config file {path} has a syntax error at line {e.lineno}: {e.msg}") from None
    except OSError as e:
        raise UserError(f"cannot read the --config file {path}: {e.strerror or e}") from None
    except Exception as e:  # noqa: BLE001  (what the file's own code raised while loading)
        raise UserError(f"the --config file {path} fails to load: {type(e).__name__}: {e}") from None
    if not callable(getattr(module, "get_config", None)):
        raise UserError("the --config file defines no get_config() (configs/*.py show the form)")
    try:
        return module.get_config(arg) if arg else module.get_config()
    except Exception as e:  # noqa: BLE001  (get_config refused its argument: its message is the sentence)
        raise UserError(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__) from None


def _check_overrides(config, argv):
    """A UserError for the first --config.KEY=VALUE whose KEY the config does not have, with the
    nearest key of that level as a hint."""
    import difflib

    for arg in argv:
        if not arg.startswith("--config."):
            continue
        key = arg[len("--config."):].split("=", 1)[0]
        node = config
        for part in key.split("."):
            keys = list(node.keys()) if hasattr(node, "keys") else []
            if part not in keys:
                near = difflib.get_close_matches(part, keys, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else " (the config file lists its keys)"
                raise UserError(f"unknown config key {key!r} in --config.{key}=...{hint}")
            node = node[part]


def upgrade_overrides(config, argv):
    """argv with every --config.KEY=VALUE (or --config.KEY VALUE) whose KEY moved (configs.moved)
    and exists in `config` only under its new name renamed to it, so that command lines written before
    a key moved keep working; one note on stderr per renamed key."""
    keys = set(configs.leaves(config.to_dict()))
    out = []
    for arg in argv:
        key, sep, value = arg[len("--config."):].partition("=") if arg.startswith("--config.") else (None, "", "")
        new = configs.moved(key) if key else None
        if new and key not in keys and new in keys:
            print(f"note: --config.{key} is now --config.{new} (a model's name and options are under config.model, "
                  "a GAN objective's name and options under config.model.objective)", file=sys.stderr)
            arg = f"--config.{new}{sep}{value}"
        out.append(arg)
    return out


def _config_spec(argv, default):
    """The --config=PATH[:ARG] (or --config PATH[:ARG]) of argv, the last one as absl reads it, or `default`."""
    given = [a[len("--config="):] for a in argv if a.startswith("--config=")]
    given += [b for a, b in zip(argv, argv[1:]) if a == "--config"]
    return given[-1] if given else default


def parse_flags_or_exit(define=None, config_default=None):
    """Runs `define()` (flag definitions that parse defaults) and returns an absl flags_parser.

    Both turn a bad command line into one line on stderr and exit status 2, instead of a traceback.
    A command with a --config flag (`config_default`: its default file) has the config file loaded
    and every --config.KEY checked here first (_load_config_file, _check_overrides), so what reaches
    absl and ml_collections is a loadable file with known keys: what they still refuse (a value of
    the wrong type, an unknown flag) is the first line of absl's own message.
    """
    from absl import flags

    try:
        if config_default is not None:  # before define(): ml_collections applies sys.argv's overrides there
            spec = _config_spec(sys.argv[1:], config_default)
            if spec.split(":")[0].endswith(".json"):
                raise UserError("--config takes a config file (configs/NAME.py), not a run's config.json: to "
                                "continue that run, pass its folder as --workdir")
            config = _load_config_file(spec)
            sys.argv[1:] = upgrade_overrides(config, sys.argv[1:])  # in place: what absl parses later
            _check_overrides(config, sys.argv[1:])
        if define is not None:
            define()
    except (flags.Error, UserError, ValueError, TypeError, AttributeError, KeyError) as e:  # what define() may still raise
        fail(str(e).strip().splitlines()[0])

    def parser(argv):
        wants_help = any(a in ("--help", "-h", "--helpfull", "-?") for a in argv[1:])
        argv = [a for a in argv if a not in ("--help", "-h", "--helpfull", "-?")]
        try:
            rest = flags.FLAGS(argv)
        except (flags.Error, UserError) as e:
            if not wants_help:  # --help alone (a required flag missing) still shows the help
                fail(str(e).strip().splitlines()[0])
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
        for key, value in configs.leaves(flags.FLAGS.config.to_dict()).items():
            print(f"  {key} = {value!r}")
