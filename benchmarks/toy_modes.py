"""Mode coverage of the GAN objectives on PacGAN's ring and grid, with and without packing, several
seeds each, and the curve of modes against generator updates.

    python -m benchmarks.toy_modes [--seeds=3] [--first_seed=0] [--mixtures=ring,grid]
        [--runs=nsgan,wgangp,nsgan+pac4,fgan:kl+pac4] [--updates=2500,5000,10000,20000] [--bench=toy_modes]
        [--workdirs=DIR]
    python -m benchmarks.toy_modes --table [--bench=toy_modes] [--workdirs=DIR]

A run is RECIPE[:DIVERGENCE][+pacM][@bf16] (configs/RECIPE_toy.py; parse_run, config_for). What
the sweep records, how --workdirs continues a kept run and when it refuses one, and what --table
sweeps: `one_run`, `plan`, `kept` and `sweep_table` in benchmarks/toy_modes.py; the tables it makes:
benchmarks/results/toy_modes.md.
"""
import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from absl import flags

from benchmarks import cli, report
from benchmarks.budgets import DIVERGENCE_PARAMS
from train import cpu, runtime

runtime.quiet()

FLAGS = flags.FLAGS

PRECISIONS = {"bf16": "mixed_bfloat16"}  # a run's @PRECISION -> config.mixed_precision
CURVE = (2_500, 5_000, 10_000, 20_000, 40_000, 80_000, 120_000)  # the entries of the curves, up to a row's budget
TABLE = {  # the published rows (benchmarks/results/toy_modes.md): (run, mixture) -> its budget, 3 seeds each
    ("nsgan", "ring"): 80_000, ("nsgan+pac2", "ring"): 80_000, ("wgangp", "ring"): 20_000,
    ("nsgan", "grid"): 80_000, ("nsgan+pac4", "grid"): 80_000, ("wgangp", "grid"): 20_000,
    ("wgangp+pac4", "grid"): 20_000,
    ("mmgan+pac4", "grid"): 40_000, ("lsgan+pac4", "grid"): 40_000,
    ("fgan:kl+pac4", "grid"): 120_000, ("fgan:reverse_kl+pac4", "grid"): 80_000,
    ("fgan:hellinger+pac4", "grid"): 80_000,
    **{(f"fgan:{d}+pac4", "grid"): 40_000 for d in ("jensen_shannon", "total_variation", "pearson", "neyman",
                                                    "jeffrey")},
    ("fgan:gan+pac4", "grid"): 80_000, ("fgan:js_weighted+pac4", "grid"): 80_000, ("fgan:alpha+pac4", "grid"): 40_000,
}
TABLE_SEEDS = 3


@functools.cache
def recipes():
    """A run's RECIPEs: the GAN-family toy configs, configs/RECIPE_toy.py (name -> None)."""
    import configs

    names = sorted(f.removesuffix("_toy.py") for f in os.listdir(configs.DIR) if f.endswith("_toy.py"))
    return dict.fromkeys(n for n in names if configs.load(f"{n}_toy").model.name == "gan")


def parse_run(run):
    """'fgan:kl+pac4' -> ('fgan', 'kl', 4, None); 'nsgan@bf16' -> ('nsgan', None, None, 'mixed_bfloat16')
    (None: the recipe's own packing)."""
    from zoo.errors import UserError, choose  # here: TensorFlow loads with zoo, after runtime.quiet()

    name, _, precision = run.partition("@")
    spec, _, pac = name.partition("+pac")
    recipe, _, divergence = spec.partition(":")
    if not (pac or "1").isdigit() or int(pac or 1) < 1:
        raise UserError(f"run {run!r}: +pacM needs a positive integer M, not {pac!r}")
    choose("toy recipe", recipe, recipes())
    return (recipe, divergence or None, int(pac) if pac else None,
            choose("precision", precision, PRECISIONS) if precision else None)


def config_for(run, mixture, seed, updates):
    """The config of `run` on `mixture`: +pacM keeps the recipe's packs per step (data.batch_size =
    packs x M, as in PacGAN); a recipe on unit-scaled data keeps that scale (its record stands under
    the mixture's name)."""
    import configs

    recipe, divergence, pac, precision = parse_run(run)
    base = configs.load(f"{recipe}_toy")
    if base.data.name.endswith("_unit"):  # a recipe on unit-scaled data (WGAN-GP's toy code) keeps it
        mixture += "_unit"
    pac = pac or base.model.pac
    overrides = {"data.name": mixture, "seed": seed, "steps": updates, "model.pac": pac,
                 "data.batch_size": base.data.batch_size // base.model.pac * pac}
    if divergence:  # pi for js_weighted and alpha for alpha at benchmarks.budgets.DIVERGENCE_PARAMS
        overrides.update({"model.objective.divergence": divergence,
                          "model.objective.divergence_param": DIVERGENCE_PARAMS.get(divergence)})
    if precision:
        overrides["mixed_precision"] = precision
    return configs.load(f"{recipe}_toy", overrides)


def one_run(run, mixture, seed, updates, pictures, keep="", bench="toy_modes"):
    """Trains run on mixture with seed to each of `updates` in turn; yields one record per entry
    trained. `keep`: the folder of the kept workdirs (see `kept`), or "" for a temporary
    one; `bench`: the records that say what a kept workdir has measured."""
    import keras
    import tensorflow as tf

    from train import trainer, workdir as workdirs

    with _workdir(run, mixture, seed, updates, keep, bench) as (workdir, recorded):
        seconds = recorded[max(recorded)]["seconds"] if recorded else 0.0  # the wall time to the step it holds
        for n in updates:
            if n in recorded:  # measured by an earlier sweep on this workdir
                continue
            keras.backend.clear_session()
            config = config_for(run, mixture, seed, n)
            start = time.perf_counter()
            _, metrics = trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
            seconds += time.perf_counter() - start
            yield dict(run=run, mixture=mixture, data=config.data.name, seed=seed, updates=n,
                       seconds=round(seconds, 1), batch_size=config.data.batch_size, **metrics)
        if seed == 0:
            samples = os.path.join(workdir, workdirs.SAMPLES)
            last = sorted(f for f in os.listdir(samples) if f.startswith("step_"))[-1]
            os.makedirs(pictures, exist_ok=True)
            shutil.copy(os.path.join(samples, last), os.path.join(pictures, report.toy_picture(run, mixture)))


@contextlib.contextmanager
def _workdir(run, mixture, seed, updates, keep, bench):
    """(workdir, {updates: record} of the entries it has trained to and measured): a temporary
    workdir and {}, or `kept`'s."""
    if not keep:
        with tempfile.TemporaryDirectory() as workdir:
            yield workdir, {}
        return
    yield kept(run, mixture, seed, updates, keep, bench)


def kept(run, mixture, seed, updates, keep, bench):
    """(DIR/RUN_MIXTURE_sSEED, {updates: record} of the entries it has trained to and measured; {}
    for a new one). A UserError, touching nothing, when the workdir holds a step that BENCH has no
    record of (a stopped sweep; or another bench's run), when its records are not all this CPU's
    (its wall time and rounding are that CPU's), or when an entry of `updates` lies before that
    step without a record (it can no longer be measured)."""
    from train import workdir as workdirs
    from zoo.errors import UserError

    workdir = os.path.join(keep, f"{report.toy_picture(run, mixture)[:-4]}_s{seed}")
    if not os.path.exists(workdir):
        return workdir, {}
    step = workdirs.resume_step(workdir)
    recorded = {r["updates"]: r for r in report.read(bench)
                if (r["run"], r["mixture"], r["seed"]) == (run, mixture, seed) and r["updates"] <= step}
    remove = f"remove it to train {run} on {mixture} with seed {seed} again from 0"
    if step not in recorded:
        raise UserError(f"{workdir} holds {step:,} updates, which {bench}.jsonl has no record of (a stopped sweep?): "
                        f"{remove}")
    others = sorted({r.get("cpu") for r in recorded.values()} - {cpu.describe()})
    if others:
        raise UserError(f"{workdir} was measured on another CPU ({'; '.join(map(str, others))}): {remove}")
    missing = [n for n in updates if n < step and n not in recorded]
    if missing:
        raise UserError(f"{workdir} has trained to {step:,} updates, past --updates {', '.join(map(str, missing))} "
                        f"that have no record: {remove}")
    return workdir, recorded


def plan(runs, mixtures, first_seed, seeds, updates, records, here):
    """The (run, mixture, seed) a sweep trains: seeds first_seed to first_seed + seeds - 1, seed-major
    (a stopped sweep still covers every run), except those `records` hold at the last of `updates`
    (finished by an earlier sweep). A UserError when one of them has records of a CPU other than
    `here` at updates the sweep does not measure: it trains here (from 0, or from a kept workdir,
    which holds only this CPU's records), so its curve would be half another path."""
    from zoo.errors import UserError

    finished = {(r["run"], r["mixture"], r["seed"]) for r in records if r["updates"] == max(updates)}
    todo = [(run, mixture, seed) for seed in range(first_seed, first_seed + seeds) for mixture in mixtures
            for run in runs if (run, mixture, seed) not in finished]
    for run, mixture, seed in todo:
        other = {r["updates"]: r.get("cpu") or report.UNKNOWN_CPU for r in records if r["updates"] not in updates
                 and (r["run"], r["mixture"], r["seed"]) == (run, mixture, seed) and r.get("cpu") != here}
        if other:
            raise UserError(f"{run} on {mixture} with seed {seed} has records of another CPU "
                            f"({'; '.join(sorted(set(other.values())))}) at {', '.join(map(str, sorted(other)))} "
                            "updates, which this sweep does not measure: add them to --updates, so that its curve "
                            "is this CPU's")
    return todo


def entries(updates):
    """--updates as integers, or a UserError naming the first entry that is not a positive integer
    (an empty --updates names '')."""
    from zoo.errors import UserError

    bad = [n for n in updates if not (n.isdigit() and int(n) > 0)] if updates else [""]
    if bad:
        raise UserError(f"--updates must be positive integers (generator updates), not {bad[0]!r}")
    return [int(n) for n in updates]


def table_sweeps(bench, workdirs):
    """The arguments of `python -m benchmarks.toy_modes` that sweep each row of TABLE, in its order."""
    return [[f"--runs={run}", f"--mixtures={mixture}", f"--seeds={TABLE_SEEDS}",
             "--updates=" + ",".join(str(n) for n in CURVE if n <= budget), f"--bench={bench}",
             *([f"--workdirs={workdirs}"] if workdirs else [])] for (run, mixture), budget in TABLE.items()]


def sweep_table():
    """Sweeps every row of TABLE, each in a fresh process (threading is fixed when TensorFlow starts);
    ends with the status of the first that fails, whose own message says why."""
    from zoo_core.errors import UserError

    alone = [f"--{name}" for name in ("runs", "mixtures", "updates", "seeds", "first_seed") if FLAGS[name].present]
    if alone:
        raise UserError(f"--table sweeps every row of the tables at its budget: it takes no {', '.join(alone)}")
    for args in table_sweeps(FLAGS.bench, FLAGS.workdirs):
        print("python -m benchmarks.toy_modes " + " ".join(args), flush=True)
        status = subprocess.run([sys.executable, "-m", "benchmarks.toy_modes", *args]).returncode
        if status:
            sys.exit(status if status > 0 else 1)  # < 0: killed by a signal


def main(argv):
    if FLAGS.table:
        return sweep_table()
    from train import spec as specs
    from zoo.errors import choose

    for run in FLAGS.runs:  # every run's name and mixture checked before the first run trains
        parse_run(run)
    for mixture in FLAGS.mixtures:
        choose("mixture", mixture, report.MODES)
    # the first run's threads per op (1 in PacGAN's recipes), set before TensorFlow starts: one process
    # runs every run, so mix recipes of different settings in separate invocations
    runtime.set_intra_op_threads(config_for(FLAGS.runs[0], FLAGS.mixtures[0], 0, 1))
    for run in FLAGS.runs:  # and every config it trains (its divergence, ...), as the trainer reads it
        for mixture in FLAGS.mixtures:
            specs.read(config_for(run, mixture, 0, 1))
    choose("toy bench", FLAGS.bench, {b: 0 for b, (_, _, tables) in report.BENCHES.items() if tables is report.toy})

    updates = sorted(entries(FLAGS.updates))
    pictures = report.path(FLAGS.bench, "")
    todo = plan(FLAGS.runs, FLAGS.mixtures, FLAGS.first_seed, FLAGS.seeds, updates, report.read(FLAGS.bench),
                cpu.describe())
    if FLAGS.workdirs:  # every kept workdir checked before the first run trains
        for run, mixture, seed in todo:
            kept(run, mixture, seed, updates, FLAGS.workdirs, FLAGS.bench)
    for run, mixture, seed in todo:
        for result in one_run(run, mixture, seed, updates, pictures, FLAGS.workdirs, FLAGS.bench):
            print(json.dumps(result), flush=True)
            report.append(FLAGS.bench, [result])
    print(report.render(FLAGS.bench))
    report.toy_montage(FLAGS.bench)


def define_flags():
    """This script's flags (defined only when it runs, so that tests can import it beside the other
    benchmarks, which define flags of the same names)."""
    flags.DEFINE_integer("seeds", 3, "How many seeds per (run, mixture), from --first_seed.", lower_bound=1)
    flags.DEFINE_integer("first_seed", 0, "Seeds --first_seed to --first_seed + --seeds - 1 (one seed of a row: "
                         "--first_seed=S --seeds=1).", lower_bound=0)
    flags.DEFINE_list("mixtures", ["ring", "grid"], "Toy mixtures.")
    flags.DEFINE_list("runs", ["nsgan", "wgangp"], "Runs: RECIPE[:DIVERGENCE][+pacM] (configs/RECIPE_toy.py).")
    flags.DEFINE_list("updates", ["2500", "5000", "10000", "20000"], "Generator updates at which to measure.")
    flags.DEFINE_string("bench", "toy_modes", "Records to benchmarks/results/BENCH.jsonl, pictures to its folder "
                        "BENCH/: a toy bench of benchmarks.report (toy_modes, toy_precision).")
    flags.DEFINE_bool("table", False, "Sweep every row of the published tables (TABLE) at its budget, "
                      "3 seeds each, one process per row.")
    flags.DEFINE_string("workdirs", "", "Keep each run's workdir in this folder, to continue it with more --updates "
                        "(default: a temporary one per run).")


if __name__ == "__main__":
    define_flags()
    cli.run(main)
