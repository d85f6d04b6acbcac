"""benchmarks.toy_modes's picture of a mixture (benchmarks.report.toy_montage): every run's seed-0
picture, in the tables' order, under its name, whatever subset of runs the last sweep trained; and
a bad run name is one line and exit status 2 (benchmarks.cli), before any run or record; a run's
packing and batch."""
import os
import subprocess
import sys

from PIL import Image

from benchmarks import report


def test_the_montage_holds_every_runs_picture_in_the_tables_order(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DIR", str(tmp_path))
    folder = tmp_path / "toys"
    folder.mkdir()
    runs = ["fgan:kl+pac4", "nsgan", "lsgan+pac4", "nsgan+pac4", "wgangp"]  # the order records came in
    report.append("toys", [dict(run=run, mixture="grid", seed=0, updates=10) for run in runs]
                  + [dict(run="nsgan", mixture="ring", seed=0, updates=10)])
    colours = {}
    for k, run in enumerate(runs[:-1]):  # wgangp has records but no picture: left out
        colours[run] = (40 * k, 255 - 40 * k, 100)
        Image.new("RGB", (30, 20), colours[run]).save(folder / report.toy_picture(run, "grid"))
    Image.new("RGB", (30, 20), "red").save(folder / report.toy_picture("nsgan", "ring"))

    report.toy_montage("toys", columns=3)
    grid = Image.open(folder / "grid.png").convert("RGB")
    label = 32  # each panel's name above it
    assert grid.size == (3 * 30, 2 * (20 + label))  # 4 pictures, 3 to a row
    order = ["nsgan", "nsgan+pac4", "lsgan+pac4", "fgan:kl+pac4"]  # report.toy_runs: recipe, then packing
    assert order == report.toy_runs(dict(run=run) for run in runs[:-1])
    for k, run in enumerate(order):
        x, y = 30 * (k % 3) + 15, (20 + label) * (k // 3) + label + 10
        assert grid.getpixel((x, y)) == colours[run], run
    assert Image.open(folder / "ring.png").size == (30, 20 + label)


def test_a_bad_run_name_is_one_line_and_exit_status_2(root):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # a user's: conftest's lets E lines by
    done = subprocess.run([sys.executable, "-m", "benchmarks.toy_modes", "--runs=nsgan+pacx", "--bench=bad"],
                          capture_output=True, text=True, cwd=root, env=env, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip() == "error: run 'nsgan+pacx': +pacM needs a positive integer M, not 'x'"
    assert not os.path.exists(os.path.join(root, "benchmarks", "results", "bad.jsonl"))


def test_a_run_packs_the_recipes_packs_per_step_and_keeps_the_recipes_own_packing(root):
    """RECIPE+pacM: M samples per critic input, the recipe's packs per step (batch = packs x M);
    without +pacM the recipe's own packing (pacgan_toy: 2, the default run's)."""
    code = ("from benchmarks import toy_modes\n"
            "for run in ['nsgan', 'nsgan+pac4', 'pacgan', 'pacgan+pac4', 'pacgan+pac1', 'fgan:kl+pac2']:\n"
            "    c = toy_modes.config_for(run, 'grid', 0, 10)\n"
            "    print(run, c.model.pac, c.data.batch_size, c.data.name)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["nsgan 1 100 grid", "nsgan+pac4 4 400 grid", "pacgan 2 200 grid",
                                        "pacgan+pac4 4 400 grid", "pacgan+pac1 1 100 grid", "fgan:kl+pac2 2 200 grid"]
