"""How a benchmark script starts: absl's flags; bad input is one `error: MESSAGE` line and exit status 2."""
from absl import app, flags

from zoo_core.errors import exit_on_user_error, fail


def parse_flags(argv):
    """absl's parse of the command line, a refused flag as `fail`'s one line (absl's FATAL message
    and usage text, status 1, otherwise)."""
    try:
        return flags.FLAGS(argv)
    except flags.Error as e:
        fail(str(e).strip().splitlines()[0])


def run(main):
    """app.run(main) with the zoo's user-error exit; call it under `if __name__ == "__main__":`."""
    app.run(exit_on_user_error(main), flags_parser=parse_flags)
