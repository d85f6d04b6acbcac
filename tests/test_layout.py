"""The packages' imports run one way: train -> export -> zoo -> zoo_core (configs are read by train
only; benchmarks may import anything, and nothing imports benchmarks). An upward import fails here
with the file and the module."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOWER = {"zoo_core": set(), "zoo": {"zoo_core"}, "export": {"zoo", "zoo_core"},
         "train": {"export", "zoo", "zoo_core", "configs"}, "configs": set()}


def imported(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_imports_run_one_way():
    upward = []
    for package, allowed in LOWER.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for module in imported(path):
                top = module.split(".")[0]
                if top == "benchmarks" or (top in LOWER and top != package and top not in allowed):
                    upward.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not upward, upward
    assert sum(1 for _ in (ROOT / "zoo").rglob("*.py")) > 10  # the walk saw the packages
