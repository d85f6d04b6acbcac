"""How a benchmark script starts: absl parses its flags, and bad input (a UserError) ends it with one
line, `error: MESSAGE`, on stderr and exit status 2, as `python -m train` does."""
from absl import app

from zoo_core.errors import exit_on_user_error


def run(main):
    """app.run(main) with the zoo's user-error exit; call it under `if __name__ == "__main__":`."""
    app.run(exit_on_user_error(main))
