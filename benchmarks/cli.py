"""How a benchmark script starts: absl parses its flags, and bad input (a zoo.errors.UserError) ends it
with one line, `error: MESSAGE`, on stderr and exit status 2, as `python -m train` does."""
from absl import app


def run(main):
    """app.run(main) with the zoo's user-error exit; call it under `if __name__ == "__main__":`."""
    from zoo.errors import exit_on_user_error  # loads TensorFlow: after the script's runtime.quiet()

    app.run(exit_on_user_error(main))
