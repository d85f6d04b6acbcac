"""Does the Tempered lens help? NS-GAN, LSGAN and WGAN-GP on MNIST, with and without the lens, 3 seeds.

    python -m benchmarks.tempered [--recipes=nsgan,lsgan,wgangp] [--seeds=0,1,2] [--phase=all|train|table]
                                  [--lens=both|no|yes]
                                  [--steps=10000] [--k=1000] [--every=500] [--precision=auto|float32]
                                  [--runs=runs/results]

Finished runs are not retrained and an interrupted one resumes, so a sweep of many hours can run across
sessions: keep --runs where the next session finds it (outside a fresh checkout).
"""
import os
import statistics

from absl import flags

from benchmarks import cli, report, results

CURVE_SAMPLES = 2_000
RECIPES = ("nsgan", "lsgan", "wgangp")
# the first sweep (issue 18's lens before its fix): 600 updates, K = 300, every 100, float32; its
# workdirs had no budget in their names
FIRST_BUDGET = (600, 300, 100, "float32")

flags.DEFINE_list("recipes", list(RECIPES), "Base recipes (configs/RECIPE_mnist.py).")
flags.DEFINE_list("seeds", ["0", "1", "2"], "Seeds per recipe and variant.")
flags.DEFINE_integer("steps", 10_000, "Generator updates per run (issue 18: FID converged, >= 10,000).")
flags.DEFINE_integer("k", 1_000, "K: the lens's annealing steps (the paper: the first 10% of training).")
flags.DEFINE_integer("every", 500, "Steps between points of the FID curve (and checkpoints).")
flags.DEFINE_enum("precision", "auto", ["auto", "float32"], "auto: as python -m train chooses; float32.")
flags.DEFINE_enum("lens", "both", ["both", "no", "yes"], "Which runs to train: both variants, or only the runs "
                  "without (no) or with (yes) the lens (a lens run takes about 3.5x a plain one: a sweep in parts).")
FLAGS = flags.FLAGS


def budget_suffix():
    """The flags' budget as a name suffix (steps, K, curve interval, precision; "" for the first
    sweep, whose names carry none), so runs and pictures of another budget never share a name."""
    if (FLAGS.steps, FLAGS.k, FLAGS.every, FLAGS.precision) == FIRST_BUDGET:
        return ""
    return f"-{FLAGS.steps}s-k{FLAGS.k}-e{FLAGS.every}" + ("-fp32" if FLAGS.precision == "float32" else "")


def run_name(recipe, lens, seed):
    """The run's workdir name, with its budget."""
    suffix = budget_suffix()
    return f"tempered_mnist:{recipe}{suffix}-seed{seed}" if lens else f"{recipe}_mnist{suffix}-seed{seed}"


def run_config(recipe, lens, seed):
    import configs

    overrides = {"steps": FLAGS.steps, "log_every": FLAGS.every, "seed": int(seed), "eval.every": FLAGS.every,
                 "eval.every_samples": CURVE_SAMPLES, "mixed_precision": FLAGS.precision}
    if lens:
        overrides["model.lens_k"] = FLAGS.k
    return configs.load(f"tempered_mnist:{recipe}" if lens else f"{recipe}_mnist", overrides)


def measure(recipe, lens, seed):
    """The run's final fid10k_test, its fid2k_test curve, train time and (lens runs) the lens's
    E||x - L(x)||^2 over the epoch ending at K and at the end."""
    from train import workdir as workdirs

    name = run_name(recipe, lens, seed)
    workdir = os.path.join(FLAGS.runs, name)
    written = workdirs.read_metrics(workdir)
    metric = f"fid{CURVE_SAMPLES // 1000}k_test"
    row = dict(name=name, seed=int(seed), fid=written["metrics"]["fid10k_test"], curve=results.curve(workdir, [metric])[metric],
               seconds=train_seconds(name),
               precision=workdirs.read_config(workdir).get("mixed_precision") or "float32")
    if lens:
        # Keras logs epoch scalars by epoch index: the epoch that ends at step K is K / every - 1
        rec = dict(workdirs.read_scalars(workdir, "train").get("epoch_lens_rec", []))
        row.update(rec_at_k=rec.get(FLAGS.k // FLAGS.every - 1), rec_end=written["final_losses"]["lens_rec"])
    return row


def train_seconds(name):
    """A run's training time: a run trained in parts (sessions) has one train record per process, summed
    from its newest start (report.trained_runs, as the results page counts it)."""
    return report.trained_runs(report.read("results")).get(name, {}).get("seconds") or None


def recorded(recipe, lens, seed):
    """The row of a run whose directory is gone (run directories do not outlive a machine), from a
    record of this budget that holds its seed: its fid10k_test and curve are kept per seed, the lens's
    RMS only in a record of that seed alone (a group's record keeps the mean), so the newest such
    record is taken, else the newest group's. None if no record holds it."""
    step_points = list(range(FLAGS.every, FLAGS.steps + 1, FLAGS.every))
    holding = [r for r in report.read("tempered")  # records older than 2026-11-26 name no seeds
               if (r["recipe"], r["lens"], r.get("steps"), r.get("k")) == (recipe, lens, FLAGS.steps, FLAGS.k)
               and int(seed) in r.get("seeds", []) and [s for s, _ in r["curve"]] == step_points]
    if not holding:
        return None
    record = max(reversed(holding), key=lambda r: len(r["seeds"]) == 1)  # max keeps the first (newest) of the best
    i, alone = record["seeds"].index(int(seed)), len(record["seeds"]) == 1
    name = run_name(recipe, lens, seed)
    row = dict(name=name, seed=int(seed), fid=record["fids"][i], curve=list(zip(step_points, record["seed_curves"][i])),
               seconds=train_seconds(name), precision=record["precision"], recorded=True)
    if lens:
        row.update(rec_at_k=record["rms"][0] ** 2 if alone else None, rec_end=record["rms"][1] ** 2 if alone else None)
    return row


def group(rows, recipe, lens):
    return [r for r in rows if r["name"] in {run_name(recipe, lens, s) for s in FLAGS.seeds}]


def summary(recipe, lens, group):
    """The record of one recipe with or without the lens over its seeds' runs."""
    seconds = [r["seconds"] for r in group if r["seconds"]]
    record = dict(recipe=recipe, lens=lens, seeds=[r["seed"] for r in group],
                  fids=[r["fid"] for r in group], curve_metric=f"fid{CURVE_SAMPLES // 1000}k",
                  curve=[[step, statistics.mean(r["curve"][i][1] for r in group)] for i, (step, _) in enumerate(group[0]["curve"])],
                  seed_curves=[[value for _, value in r["curve"]] for r in group],
                  seconds=statistics.mean(seconds) if seconds else None, steps=FLAGS.steps, k=FLAGS.k,
                  precision=", ".join(sorted({r["precision"] for r in group})))
    if lens:  # RMS per pixel of x - L(x): the square root of lens_rec, the mean of (x - L(x))^2 over pixels
        record["rms"] = [statistics.mean(r["rec_at_k"] ** 0.5 for r in group if r["rec_at_k"] is not None),
                         statistics.mean(r["rec_end"] ** 0.5 for r in group if r["rec_end"] is not None)]
    return record


def plot_path():
    """The FID curves' picture of this budget."""
    return f"benchmarks/results/tempered_fid{budget_suffix()}.png"


def plot(rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, len(FLAGS.recipes), figsize=(5 * len(FLAGS.recipes), 4), dpi=100, squeeze=False)
    for ax, recipe in zip(axes[0], FLAGS.recipes):
        for lens, colour in ((False, "tab:blue"), (True, "tab:orange")):
            runs = group(rows, recipe, lens)
            if not runs:
                continue
            steps = [s for s, _ in runs[0]["curve"]]
            values = np.array([[v for _, v in r["curve"]] for r in runs])
            label = "with lens" if lens else "without lens"
            ax.plot(steps, values.mean(0), color=colour, label=f"{label} (mean of {len(runs)})")
            ax.fill_between(steps, values.min(0), values.max(0), color=colour, alpha=0.2)
        ax.axvline(FLAGS.k, color="grey", lw=0.5, ls="--")
        ax.set_title(f"{recipe}, MNIST (lens annealed by step {FLAGS.k})")
        ax.set_xlabel("generator updates")
        ax.set_ylabel(f"fid{CURVE_SAMPLES // 1000}k_test")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path())
    plt.close(fig)


def main(argv):
    from train import workdir as workdirs
    from zoo.errors import UserError

    if not (0 < FLAGS.every <= FLAGS.k <= FLAGS.steps and FLAGS.k % FLAGS.every == 0 and FLAGS.steps % FLAGS.every == 0):
        raise UserError(f"--every ({FLAGS.every}) must divide --k ({FLAGS.k}) and --steps ({FLAGS.steps}), with "
                        f"0 < every <= k <= steps: the lens's state at K is read at the end of a curve interval")
    from configs.common import BASE_RECIPES

    unknown = [r for r in FLAGS.recipes if r not in BASE_RECIPES]
    if unknown or not all(s.isdigit() for s in FLAGS.seeds):
        raise UserError(f"--recipes takes base recipes ({', '.join(BASE_RECIPES)}) and --seeds integers >= 0, "
                        f"not {','.join(FLAGS.recipes)} and {','.join(FLAGS.seeds)}")
    runs = [(r, lens, s) for r in FLAGS.recipes for lens in (False, True) for s in FLAGS.seeds]
    if FLAGS.phase in ("all", "train"):
        for recipe, lens, seed in runs:
            if FLAGS.lens == "both" or lens == (FLAGS.lens == "yes"):
                results.train(run_name(recipe, lens, seed), run_config(recipe, lens, seed))
    if FLAGS.phase in ("all", "table"):
        rows = [measure(*run) if os.path.exists(os.path.join(FLAGS.runs, run_name(*run), workdirs.METRICS)) else recorded(*run)
                for run in runs]
        rows = [r for r in rows if r]
        groups = [(recipe, lens, group(rows, recipe, lens)) for recipe in FLAGS.recipes for lens in (False, True)]
        if not any(not r.get("recorded") for r in rows):
            print(f"no finished run of this budget under {FLAGS.runs} yet")
            return
        # a group none of whose runs is here has nothing new: its record stays as it is
        report.append("tempered", [summary(*g) for g in groups if any(not r.get("recorded") for r in g[2])])
        print(report.render("tempered"))
        plot(rows)


if __name__ == "__main__":
    cli.run(main)
