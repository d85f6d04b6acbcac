"""zoo_core.errors: one exception type for the user's mistakes, and one way every command fails on it
(`error: MESSAGE` on stderr, exit 2), without TensorFlow."""
import os
import subprocess
import sys

import pytest

from tests.helpers import user_env

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


def _own_exits(source):
    """The lines of `source` that end a process with a message of their own: sys.exit / exit / quit
    called with text (a string, an f-string, a sum, str(...), "...".join or .format), a raise of
    SystemExit or absl's UsageError, or a print of a hand-made `error: ...` line (zoo_core.errors's
    own print is the one allowed). A status (an int, a name, main()'s result) passes."""
    import ast

    def text(arg):
        if isinstance(arg, ast.Constant):
            return not isinstance(arg.value, int)
        if isinstance(arg, ast.Call):
            return (isinstance(arg.func, ast.Name) and arg.func.id in ("str", "repr")
                    or isinstance(arg.func, ast.Attribute) and arg.func.attr in ("join", "format"))
        return isinstance(arg, (ast.JoinedStr, ast.BinOp))

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and text(node.args[0]):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in ("exit", "quit"):
                lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print" and node.args:
            first = node.args[0].values[:1] if isinstance(node.args[0], ast.JoinedStr) else [node.args[0]]
            first = first[0] if first else None  # an empty f-string has no parts
            if isinstance(first, ast.Constant) and str(first.value).startswith("error:"):
                lines.append(node.lineno)
        if isinstance(node, ast.Raise) and node.exc is not None and any(
                getattr(n, "id", getattr(n, "attr", None)) in ("SystemExit", "UsageError") for n in ast.walk(node.exc)):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_exit_finder_finds_what_it_should_and_passes_a_status():
    found = _own_exits("import sys\nsys.exit('a')\nsys.exit(f'{x}')\nexit('a' + b)\nsys.exit(str(e))\n"
                       "sys.exit(', '.join(x))\nraise SystemExit('x')\nraise app.UsageError('y')\nquit('z')\n"
                       "print('error: give x', file=sys.stderr)\nprint(f'error: {e}')\n"
                       "sys.exit(main())\nsys.exit(status)\nsys.exit(2)\nraise ValueError('v')\n"
                       "print('an error: no')\nprint(f'')\n")
    assert found == list(range(2, 12))


def test_no_command_has_an_exit_of_its_own():
    """A command fails through zoo_core.errors (raise UserError, or errors.fail / errors.say): no
    exit with a message of its own (status 1, no `error:`), `raise SystemExit(...)`, absl's
    UsageError (the usage text, status 1) or a hand-made `error:` line beside it."""
    found = []
    for package in ("train", "export", "zoo", "zoo_core", "benchmarks", "configs"):
        for folder, _, files in os.walk(os.path.join(ROOT, package)):
            for name in (f for f in files if f.endswith(".py")):
                path = os.path.join(folder, name)
                with open(path) as f:
                    found += [f"{os.path.relpath(path, ROOT)}:{line}" for line in _own_exits(f.read())]
    assert [f.split(":")[0] for f in found] == ["zoo_core/errors.py"], found  # its one `error:` line, which all print


@pytest.mark.parametrize("command, message", [
    (["benchmarks.results", "--configs=nsgan_mnist,nope"], "no budget for nope; known: "),
    (["benchmarks.eval_speed", "--no_such_flag"], "Unknown command line flag 'no_such_flag'"),  # absl's refusal
    (["benchmarks.pretrained"], "give --runs=NAME=WORKDIR[,...]"),
    (["benchmarks.report", "toy_modes", "nope"], "no benchmark nope; the benchmarks: results, "),
])
def test_a_benchmark_refuses_bad_input_with_one_line_and_exit_2(command, message):
    result = subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT,
                            env=user_env(), timeout=300)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1, result.stderr[-2000:]


def test_a_pytorch_benchmark_without_pytorch_says_so_in_one_line():
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        pytest.skip("PyTorch is installed here")
    result = subprocess.run([sys.executable, "-m", "benchmarks.torch_twin"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("error: PyTorch is not installed: `pip install -e '.[bench]'` installs the version this "
                             "benchmark was run with (it is never a dependency of the zoo itself).\n")
