"""benchmarks.toy_modes's picture of a mixture (benchmarks.report.toy_montage): every run's seed-0
picture, in the tables' order, under its name, whatever subset of runs the last sweep trained; and
a bad run or mixture is one line and exit status 2 (benchmarks.cli), before any run or record; a run's
packing and batch; a kept workdir continued or refused; which seeds and runs a sweep trains; the
published table's rows (toy_modes.TABLE) and the sweeps that make them."""
import os
import re
import shutil
import subprocess
import sys
import types

import pytest
from PIL import Image

from benchmarks import report
from tests.helpers import user_env


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


@pytest.mark.parametrize("flags, message", [
    (["--runs=nsgan+pacx"], "run 'nsgan+pacx': +pacM needs a positive integer M, not 'x'"),
    (["--runs=nsgan,bogus"], "unknown toy recipe 'bogus'; choose one of: fgan, lsgan, mmgan, nsgan, pacgan, "
                             "tempered, wgan, wgangp"),
    (["--runs=nsgan,fgan:bogus"], "unknown divergence 'bogus'; choose one of: total_variation, kl, reverse_kl, "
                                  "pearson, neyman, hellinger, jeffrey, jensen_shannon, js_weighted, gan, alpha"),
    (["--mixtures=ring,swissroll"], "unknown mixture 'swissroll'; choose one of: grid, ring"),
    ([], "unknown toy bench 'bad'; choose one of: toy_modes, toy_precision"),  # its tables could not be rendered
    (["--table", "--runs=nsgan", "--updates=5"], "--table sweeps every row of the tables at its budget: it takes no "
                                                  "--runs, --updates"),
])
def test_a_bad_run_or_mixture_is_one_line_and_exit_status_2_before_any_run_trains(root, flags, message):
    """Every run and mixture of the sweep is checked first (a bad second run does not wait for the
    first to train): the trainer's own check of each config (train.spec.read) included."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.toy_modes", *flags, "--bench=bad"],
                          capture_output=True, text=True, cwd=root, env=user_env(), timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip() == f"error: {message}"
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


def test_a_kept_workdir_continues_from_its_last_record_and_is_refused_otherwise(tmp_path, monkeypatch):
    """--workdirs: a sweep with more --updates trains only the new entries, its wall time going on
    from the recorded one at the step the workdir holds; a workdir that holds a step without a record
    (a stopped sweep), or was measured on another CPU, or lies past an asked entry without a record,
    is a UserError that leaves it as it is; a removed one trains from 0; without --workdirs every
    entry trains. The trainer is a stand-in that writes the step it trained to (`step` in the
    workdir) and takes one second per update on a stand-in clock."""
    from benchmarks import toy_modes
    from train import cpu, trainer, workdir as workdirs
    from zoo.errors import UserError

    monkeypatch.setattr(report, "DIR", str(tmp_path / "results"))
    calls, clock = [], [0.0]
    monkeypatch.setattr(toy_modes, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))

    def fake_step(workdir):
        path = os.path.join(workdir, "step")
        return int(open(path).read()) if os.path.exists(path) else 0

    def fake_run(config, workdir, strategy, verbose):
        clock[0] += config.steps - fake_step(workdir)
        os.makedirs(workdir, exist_ok=True)
        with open(os.path.join(workdir, "step"), "w") as f:
            f.write(str(config.steps))
        calls.append(config.steps)
        return None, dict(modes2500=config.steps)

    monkeypatch.setattr(trainer, "run", fake_run)
    monkeypatch.setattr(workdirs, "resume_step", fake_step)
    keep = str(tmp_path / "kept")
    workdir = os.path.join(keep, "nsgan+pac2_ring_s1")

    def sweep(updates, keep=keep, seed=1):
        calls.clear()
        records = list(toy_modes.one_run("nsgan+pac2", "ring", seed, updates, str(tmp_path / "pictures"), keep, "bench"))
        report.append("bench", records)
        return calls[:], [(r["updates"], r["seconds"]) for r in records]

    def refused(updates, message):
        with pytest.raises(UserError, match=message):
            toy_modes.kept("nsgan+pac2", "ring", 1, updates, keep, "bench")
        with pytest.raises(UserError, match=message):
            sweep(updates)
        assert calls == [] and fake_step(workdir) == held  # nothing trained, the workdir as it was

    assert sweep([10, 20]) == ([10, 20], [(10, 10), (20, 20)])
    assert sweep([10, 20], seed=2) == ([10, 20], [(10, 10), (20, 20)])  # another seed: its own workdir
    assert sweep([10, 20, 40]) == ([40], [(40, 40)])  # 10 and 20 recorded; 20 s + 20 s
    assert sweep([10, 80]) == ([80], [(80, 80)])  # from the step it holds (40), not from the last entry asked
    held = 80
    refused([30, 160], r"has trained to 80 updates, past --updates 30 that have no record: remove it")
    with open(os.path.join(workdir, "step"), "w") as f:
        f.write(str(held := 90))  # a stopped sweep: past its last record
    refused([10, 160], r"holds 90 updates, which bench.jsonl has no record of \(a stopped sweep\?\): remove it")
    with open(os.path.join(workdir, "step"), "w") as f:
        f.write(str(held := 80))
    monkeypatch.setattr(cpu, "describe", lambda: "another CPU")
    refused([10, 160], r"was measured on another CPU \(.+\): remove it to train nsgan\+pac2 on ring with seed 1")
    shutil.rmtree(workdir)  # removed: from 0, though its records stay
    assert sweep([10, 20]) == ([10, 20], [(10, 10), (20, 20)])
    assert sweep([10, 20], keep="") == ([10, 20], [(10, 10), (20, 20)])  # a temporary workdir: every entry


def test_a_sweep_trains_its_seeds_seed_major_but_the_runs_finished_at_its_last_entry():
    """--first_seed=2 --seeds=2: seeds 2 and 3 only; a run with a record at the last entry is done,
    one with records before it only (a shorter sweep's) is not; a run with another CPU's records at
    an entry the sweep does not measure is refused (its curve would mix two CPUs' paths), not one
    whose other-CPU records the sweep measures again."""
    from benchmarks import toy_modes
    from zoo.errors import UserError

    here = "this CPU"
    records = [dict(run="a", mixture="grid", seed=2, updates=40, cpu=here),
               dict(run="b", mixture="grid", seed=2, updates=20, cpu=here),
               dict(run="a", mixture="ring", seed=3, updates=40, cpu=here)]
    assert toy_modes.plan(["a", "b"], ["grid", "ring"], 2, 2, [20, 40], records, here) == [
        ("b", "grid", 2), ("a", "ring", 2), ("b", "ring", 2), ("a", "grid", 3), ("b", "grid", 3), ("b", "ring", 3)]
    assert toy_modes.plan(["a"], ["grid"], 0, 1, [40], records, here) == [("a", "grid", 0)]
    assert toy_modes.plan(["b"], ["grid"], 2, 1, [40], records, here) == [("b", "grid", 2)]  # its 20: this CPU's
    xeon = [dict(run="b", mixture="grid", seed=2, updates=n, cpu="a Xeon") for n in (10, 20)]
    assert toy_modes.plan(["b"], ["grid"], 2, 1, [10, 20, 40], xeon, here) == [("b", "grid", 2)]  # measured again
    with pytest.raises(UserError, match=r"^b on grid with seed 2 has records of another CPU \(a Xeon\) at 10, 20 "
                                        r"updates, which this sweep does not measure: add them to --updates"):
        toy_modes.plan(["b"], ["grid"], 2, 1, [40, 80], xeon, here)


@pytest.mark.parametrize("bad, named", [([], ""), (["abc"], "abc"), (["0"], "0"), (["2500", "-5", "x"], "-5"),
                                        (["1e4"], "1e4")])
def test_updates_that_are_not_positive_integers_are_one_sentence_naming_the_first(bad, named):
    from benchmarks import toy_modes
    from zoo.errors import UserError

    message = f"--updates must be positive integers (generator updates), not '{named}'"
    with pytest.raises(UserError, match=f"^{re.escape(message)}$"):
        toy_modes.entries(bad)
    assert toy_modes.entries(["5000", "2500"]) == [5000, 2500]


def test_the_table_command_sweeps_the_published_rows_and_only_those():
    """toy_modes.TABLE, which `--table` sweeps, is the rows of toy_modes.md: every (run, mixture) of
    the records with its 3 seeds trained to the row's budget, and no other."""
    from benchmarks import toy_modes

    reached = {}
    for r in report.latest(report.read("toy_modes"), ("run", "mixture", "seed", "updates")):
        seeds = reached.setdefault((r["run"], r["mixture"]), {})
        seeds[r["seed"]] = max(seeds.get(r["seed"], 0), r["updates"])
    assert {row: (sorted(seeds), min(seeds.values())) for row, seeds in reached.items()} == {
        row: (list(range(toy_modes.TABLE_SEEDS)), budget) for row, budget in toy_modes.TABLE.items()}
    assert [row[0] for row in toy_modes.TABLE if row[1] == "grid"] == report.toy_runs(
        r for r in report.read("toy_modes") if r["mixture"] == "grid")  # in the tables' order
    sweeps = toy_modes.table_sweeps("toy_modes", "runs/toy")
    assert len(sweeps) == len(toy_modes.TABLE)
    assert sweeps[0] == ["--runs=nsgan", "--mixtures=ring", "--seeds=3", "--updates=2500,5000,10000,20000,40000,80000",
                         "--bench=toy_modes", "--workdirs=runs/toy"]
    assert toy_modes.table_sweeps("toy_modes", "")[2] == [
        "--runs=wgangp", "--mixtures=ring", "--seeds=3", "--updates=2500,5000,10000,20000", "--bench=toy_modes"]
