"""Shared CLI plumbing: quiet TensorFlow logs, and user mistakes as one line and exit code 2."""
import functools
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def quiet_absl():
    """INFO lines of tf2onnx and the SavedModel writer are noise for a user of the CLIs."""
    from absl import logging

    logging.set_verbosity(logging.WARNING)


def user_errors(main):
    """Wraps an absl main: a UserError or a missing file prints one sentence and exits 2."""

    @functools.wraps(main)
    def wrapped(argv):
        from zoo.errors import UserError

        quiet_absl()
        try:
            return main(argv)
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            sys.exit(2)

    return wrapped
