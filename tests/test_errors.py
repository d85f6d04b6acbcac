"""zoo_core.errors: one exception type for the user's mistakes, and one way every command fails on it
(`error: MESSAGE` on stderr, exit 2), without TensorFlow."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_user_error_is_one_line_and_exit_2_without_tensorflow():
    code = ("import sys\n"
            "from zoo_core import errors\n"
            "def main(argv):\n"
            "    assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF'\n"
            "    raise errors.UserError(f'no such thing: {argv[1]}')\n"
            "errors.exit_on_user_error(main)(['prog', 'x'])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "error: no such thing: x\n")


def test_anything_else_is_not_taken_for_the_users_mistake():
    from zoo_core import errors

    def main(argv):
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="^a bug$"):
        errors.exit_on_user_error(main)([])


def test_every_layer_raises_the_one_type():
    """train's and the benchmarks' `except UserError` catch the serving tools' ExportError, and
    zoo.errors's UserError is zoo_core's (not a second class of the same name)."""
    from export.artifacts import ExportError
    from zoo import errors as zoo_errors
    from zoo_core.errors import UserError

    assert zoo_errors.UserError is UserError and issubclass(ExportError, UserError)
