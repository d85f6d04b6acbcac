"""Mode coverage of the GAN objectives on PacGAN's ring and grid, with and without packing, several
seeds each, and the curve of modes against generator updates.

    python -m benchmarks.toy_modes [--seeds=3] [--mixtures=ring,grid]
        [--runs=nsgan,wgangp,nsgan+pac4,fgan:kl+pac4] [--updates=2500,5000,10000,20000]
        [--out=benchmarks/results/toy_modes] [--table_only]

A run is RECIPE[:DIVERGENCE][+pacM][@bf16]: configs/RECIPE_toy.py, the f-divergence DIVERGENCE for
fgan, PacGAN's packing of M samples per critic input (the critic keeps its number of inputs
per step, as in PacGAN: data.batch_size is multiplied by M), and bfloat16 compute
(config.mixed_precision=mixed_bfloat16; float32 without it). Each run trains through the real
trainer (`train.trainer.run`) in one temporary workdir, resuming it at every entry of --updates, so each
entry is a point of one run's curve: the PacGAN metrics of 2,500 samples (zoo.metrics.modes) and
the wall time so far. A recipe whose config trains on unit-scaled data (wgangp: ring_unit,
grid_unit, as the official toy code) keeps that scale; its row stands under the mixture's name.
Results are appended to OUT.jsonl as they come (a stopped sweep resumes where it stopped, skipping
finished runs), the tables go to stdout and OUT.md, the samples of each run's seed 0 at its last
update to OUT/RUN_MIXTURE.png (':' written as '-'), and those of the --runs side by side to
OUT/MIXTURE.png.

PacGAN trained 400,000 updates (400 epochs of 100,000 packs of batch 100); WGAN-GP's toy code
100,000; the table says what fraction of that each row ran.
"""
import json
import os
import shutil
import tempfile
import time

from absl import app, flags

from benchmarks.budgets import DIVERGENCE_PARAMS
from train import runtime
from zoo.errors import UserError, choose, exit_on_user_error
from zoo_core import files

runtime.quiet()

flags.DEFINE_integer("seeds", 3, "Seeds per (run, mixture).")
flags.DEFINE_list("mixtures", ["ring", "grid"], "Toy mixtures.")
flags.DEFINE_list("runs", ["nsgan", "wgangp"], "Runs: RECIPE[:DIVERGENCE][+pacM] (configs/RECIPE_toy.py).")
flags.DEFINE_list("updates", ["2500", "5000", "10000", "20000"], "Generator updates at which to measure.")
flags.DEFINE_string("out", "benchmarks/results/toy_modes", "Output prefix (.jsonl, .md and a folder of pictures).")
flags.DEFINE_bool("table_only", False, "Only tabulate the finished runs in OUT.jsonl; train nothing.")
FLAGS = flags.FLAGS

PAPER_UPDATES = {"wgangp": 100_000}  # the official code's budget; PacGAN's for the rest
PACGAN_UPDATES = 400_000
PACGAN = {  # PacGAN Table 1 (10 trials): modes, % high quality, reverse KL
    "ring": [("GAN", "6.3 +- 0.5", "98.2", "0.45"), ("ALI", "6.6", "97.6", "0.36"),
             ("PacGAN2", "7.9 +- 0.1", "95.6", "0.07"), ("PacGAN4", "7.8", "95.9", "0.07")],
    "grid": [("GAN", "17.3 +- 0.8", "94.8", "0.70"), ("ALI", "24.1", "95.7", "0.14"),
             ("PacGAN3", "24.6", "94.2", "0.06"), ("PacGAN4", "24.8 +- 0.2", "93.6", "0.04")],
}


PRECISIONS = {"bf16": "mixed_bfloat16"}  # a run's @PRECISION -> config.mixed_precision


def parse_run(run):
    """'fgan:kl+pac4' -> ('fgan', 'kl', 4, None); 'nsgan@bf16' -> ('nsgan', None, 1, 'mixed_bfloat16')."""
    name, _, precision = run.partition("@")
    spec, _, pac = name.partition("+pac")
    recipe, _, divergence = spec.partition(":")
    if not (pac or "1").isdigit() or int(pac or 1) < 1:
        raise UserError(f"run {run!r}: +pacM needs a positive integer M, not {pac!r}")
    return recipe, divergence or None, int(pac or 1), choose("precision", precision, PRECISIONS) if precision else None


def config_for(run, mixture, seed, updates):
    import configs

    recipe, divergence, pac, precision = parse_run(run)
    base = configs.load(f"{recipe}_toy")
    if base.data.name.endswith("_unit"):  # a recipe on unit-scaled data (WGAN-GP's toy code) keeps it
        mixture += "_unit"
    overrides = {"data.name": mixture, "seed": seed, "steps": updates, "model_options.pac": pac,
                 "data.batch_size": base.data.batch_size * pac}
    if divergence:  # pi for js_weighted and alpha for alpha at benchmarks.budgets.DIVERGENCE_PARAMS
        overrides.update({"model_options.divergence": divergence,
                          "model_options.divergence_param": DIVERGENCE_PARAMS.get(divergence)})
    if precision:
        overrides["mixed_precision"] = precision
    return configs.load(f"{recipe}_toy", overrides)


def one_run(run, mixture, seed, updates, pictures):
    """Trains run on mixture with seed to each of `updates` in turn; yields one record per entry."""
    import keras
    import tensorflow as tf

    from train import trainer

    with tempfile.TemporaryDirectory() as workdir:
        seconds = 0.0
        for n in updates:
            keras.backend.clear_session()
            config = config_for(run, mixture, seed, n)
            start = time.perf_counter()
            _, metrics = trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
            seconds += time.perf_counter() - start
            yield dict(run=run, mixture=mixture, data=config.data.name, seed=seed, updates=n,
                       seconds=round(seconds, 1), batch_size=config.data.batch_size, **metrics)
        if seed == 0:
            last = sorted(f for f in os.listdir(os.path.join(workdir, "samples")) if f.startswith("step_"))[-1]
            os.makedirs(pictures, exist_ok=True)
            shutil.copy(os.path.join(workdir, "samples", last), os.path.join(pictures, _picture(run, mixture)))


def _picture(run, mixture):
    """The file name of a run's picture (no ':' in file names)."""
    return f"{run.replace(':', '-')}_{mixture}.png"


def montage(runs, mixtures, folder):
    """OUT/MIXTURE.png: the seed-0 pictures of `runs` side by side, one file per mixture."""
    from PIL import Image

    for mixture in mixtures:
        paths = [os.path.join(folder, _picture(run, mixture)) for run in runs]
        images = [Image.open(p).convert("RGB") for p in paths if os.path.exists(p)]
        if len(images) < 2:
            continue
        out = Image.new("RGB", (sum(i.width for i in images), max(i.height for i in images)), "white")
        x = 0
        for image in images:
            out.paste(image, (x, 0))
            x += image.width
        out.save(os.path.join(folder, f"{mixture}.png"))


def _mean_std(values, scale=1.0):
    import numpy as np

    values = [scale * v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{np.mean(values):.2f} +- {np.std(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def _paper_fraction(run, updates):
    paper = PAPER_UPDATES.get(parse_run(run)[0], PACGAN_UPDATES)
    return f"{updates:,} ({100 * updates / paper:.0f}%)"


def table(results, runs, mixtures):
    """The summary at the last update every seed of a run reached, and the curves (runs may differ in
    budget; a curve's point from fewer seeds than its run has says how many)."""
    updates = sorted({r["updates"] for r in results})
    lines = []
    for mixture in mixtures:
        n_modes = 8 if mixture == "ring" else 25
        lines += [f"### {mixture} ({n_modes} modes), 2,500 samples per run, at the last update", "",
                  "| run | seeds | updates (% of the paper's) | modes | high quality (%) | reverse KL* | wall time (s), mean / max |",
                  "|---|---|---|---|---|---|---|"]
        for run in runs:
            mine = [r for r in results if r["run"] == run and r["mixture"] == mixture]
            reached = {}  # seed -> its last measured update
            for r in mine:
                reached[r["seed"]] = max(reached.get(r["seed"], 0), r["updates"])
            last = min(reached.values(), default=0)
            rows = [r for r in mine if r["updates"] == last]
            if rows:
                lines.append(
                    f"| {run} | {len(rows)} | {_paper_fraction(run, last)} | {_mean_std([r['modes2500'] for r in rows])} | "
                    f"{_mean_std([r['high_quality2500'] for r in rows], 100)} | "
                    f"{_mean_std([r['reverse_kl2500'] for r in rows])} | "
                    f"{sum(r['seconds'] for r in rows) / len(rows):.0f} / {max(r['seconds'] for r in rows):.0f} |")
        for name, modes, hq, kl in PACGAN[mixture]:
            lines.append(f"| {name} (PacGAN Table 1) | 10 | 400,000 (100%) | {modes} | {hq} | {kl} | |")
        lines += ["", f"Modes (high quality %) against generator updates, mean over seeds, {mixture}:", "",
                  "| run | " + " | ".join(f"{n:,}" for n in updates) + " |", "|---" * (len(updates) + 1) + "|"]
        for run in runs:
            cells = []
            seeds = len({r["seed"] for r in results if r["run"] == run and r["mixture"] == mixture})
            for n in updates:
                rows = [r for r in results if r["run"] == run and r["mixture"] == mixture and r["updates"] == n]
                fewer = f" [{len(rows)} seed{'s' * (len(rows) > 1)}]" if rows and len(rows) < seeds else ""
                cells.append(f"{sum(r['modes2500'] for r in rows) / len(rows):.1f} "
                             f"({100 * sum(r['high_quality2500'] for r in rows) / len(rows):.0f}){fewer}" if rows else "")
            if any(cells):
                lines.append(f"| {run} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("Updates: the last update every seed of the row reached (a curve may go further with fewer "
                 "seeds, marked [n seeds]); a run is tabulated once it has finished. "
                 "Mean +- standard deviation over seeds. *Reverse KL is averaged over the runs that produced "
                 "at least one high-quality sample (it is undefined otherwise); n/a when none did. Wall time "
                 "includes the metrics and checkpoints at every measured update.")
    return "\n".join(lines)


def main(argv):
    from train import cpu, strategy

    for run in FLAGS.runs:  # every name checked before the first run trains
        parse_run(run)
    # the first run's threads per op (1 in PacGAN's recipes), set before TensorFlow starts: one process
    # runs every run, so mix recipes of different settings in separate invocations
    strategy.set_intra_op_threads(config_for(FLAGS.runs[0], FLAGS.mixtures[0], 0, 1))

    updates = sorted(int(n) for n in FLAGS.updates)
    os.makedirs(os.path.dirname(FLAGS.out) or ".", exist_ok=True)
    jsonl = FLAGS.out + ".jsonl"
    done = []
    if os.path.exists(jsonl):
        with open(jsonl) as f:
            done = [json.loads(line) for line in f if line.strip()]
    finished = {(r["run"], r["mixture"], r["seed"]) for r in done if r["updates"] == max(updates)}
    for seed in range(0 if FLAGS.table_only else FLAGS.seeds):  # seed-major: a stopped sweep still covers every run
        for mixture in FLAGS.mixtures:
            for run in FLAGS.runs:
                if (run, mixture, seed) in finished:
                    continue
                done = [r for r in done if (r["run"], r["mixture"], r["seed"]) != (run, mixture, seed)]
                for result in one_run(run, mixture, seed, updates, FLAGS.out):
                    print(json.dumps(result), flush=True)
                    done.append(result)
                files.write_lines(jsonl, [json.dumps(r) for r in done])  # whole runs only: a stopped run is redone
    text = f"Machine: {cpu.describe()}\n\n" + table(
        [r for r in done if r["seed"] < FLAGS.seeds], FLAGS.runs, FLAGS.mixtures)
    print(text)
    with open(FLAGS.out + ".md", "w") as f:
        f.write(text + "\n")
    montage(FLAGS.runs, FLAGS.mixtures, FLAGS.out)


if __name__ == "__main__":
    app.run(exit_on_user_error(main))
