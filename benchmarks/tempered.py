"""Does the Tempered lens help? NS-GAN, LSGAN and WGAN-GP on MNIST, with and without the lens, 3 seeds.

    python -m benchmarks.tempered [--recipes=nsgan,lsgan,wgangp] [--seeds=0,1,2] [--phase=all|table]

Each run trains through the real trainer (`benchmarks.results.train`, its time in
benchmarks/results/results.jsonl, workdirs under runs/results/) at the same budget: STEPS generator
updates at batch 64, the lens annealed over the first K (the paper's lens: 32 channels, 8 residual
blocks; the base recipes' networks and optimisers, configs/RECIPE_mnist.py). During training the
run evaluates itself every EVERY steps on CURVE_SAMPLES samples (fid2k_test, TensorBoard
DIR/logs/eval); at the end on 10,000 (fid10k_test, DIR/metrics.json). Records per recipe and lens:
the seeds' fid10k_test, the mean fid2k_test curve, the lens's RMS change per pixel at K and at the
end, the mean train time; the FID curves go to benchmarks/results/tempered_fid.png. Finished runs
are not retrained.
"""
import os
import statistics

from absl import app, flags

from benchmarks import report, results

STEPS = 600  # generator updates: 18 runs (WGAN-GP's are 5 critic updates each) in about an hour on 2 cores
K = 300  # the lens anneals over the first half (the paper: the first 10% of 1M steps)
EVERY = 100
CURVE_SAMPLES = 2_000
RECIPES = ("nsgan", "lsgan", "wgangp")
PLOT = "benchmarks/results/tempered_fid.png"

flags.DEFINE_list("recipes", list(RECIPES), "Base recipes (configs/RECIPE_mnist.py).")
flags.DEFINE_list("seeds", ["0", "1", "2"], "Seeds per recipe and variant.")
FLAGS = flags.FLAGS


def run_name(recipe, lens, seed):
    return f"tempered_mnist:{recipe}-seed{seed}" if lens else f"{recipe}_mnist-seed{seed}"


def run_config(recipe, lens, seed):
    import configs

    overrides = {"steps": STEPS, "log_every": EVERY, "seed": int(seed), "eval.every": EVERY,
                 "eval.every_samples": CURVE_SAMPLES, "mixed_precision": None}  # float32, as the earlier rows
    if lens:
        overrides["model_options.lens_k"] = K
    return configs.load(f"tempered_mnist:{recipe}" if lens else f"{recipe}_mnist", overrides)


def measure(recipe, lens, seed):
    """The run's final fid10k_test, its fid2k_test curve, train time and (lens runs) the lens's
    E||x - L(x)||^2 over the epoch ending at K and at the end."""
    from train import workdir as workdirs

    name = run_name(recipe, lens, seed)
    workdir = os.path.join(FLAGS.runs, name)
    written = workdirs.read_metrics(workdir)
    curve = sorted(dict(workdirs.read_scalars(workdir, "eval")[f"eval/fid{CURVE_SAMPLES // 1000}k_test"]).items())
    row = dict(name=name, fid=written["metrics"]["fid10k_test"], curve=curve,
               seconds=results.records("train").get(name, {}).get("seconds"))
    if lens:
        # Keras logs epoch scalars by epoch index: the epoch that ends at step K is K / EVERY - 1
        rec = dict(workdirs.read_scalars(workdir, "train").get("epoch_lens_rec", []))
        row.update(rec_at_k=rec.get(K // EVERY - 1), rec_end=written["final_losses"]["lens_rec"])
    return row


def group(rows, recipe, lens):
    return [r for r in rows if r["name"] in {run_name(recipe, lens, s) for s in FLAGS.seeds}]


def summary(recipe, lens, group):
    """The record of one recipe with or without the lens over its seeds' runs."""
    seconds = [r["seconds"] for r in group if r["seconds"]]
    record = dict(recipe=recipe, lens=lens, fids=[r["fid"] for r in group], curve_metric=f"fid{CURVE_SAMPLES // 1000}k",
                  curve=[[step, statistics.mean(r["curve"][i][1] for r in group)] for i, (step, _) in enumerate(group[0]["curve"])],
                  seconds=statistics.mean(seconds) if seconds else None, steps=STEPS, k=K)
    if lens:  # RMS per pixel of x - L(x): the square root of lens_rec, the mean of (x - L(x))^2 over pixels
        record["rms"] = [statistics.mean(r["rec_at_k"] ** 0.5 for r in group if r["rec_at_k"] is not None),
                         statistics.mean(r["rec_end"] ** 0.5 for r in group)]
    return record


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
        ax.axvline(K, color="grey", lw=0.5, ls="--")
        ax.set_title(f"{recipe}, MNIST (lens annealed by step {K})")
        ax.set_xlabel("generator updates")
        ax.set_ylabel(f"fid{CURVE_SAMPLES // 1000}k_test")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)


def main(argv):
    runs = [(r, lens, s) for r in FLAGS.recipes for lens in (False, True) for s in FLAGS.seeds]
    if FLAGS.phase in ("all", "train"):
        for recipe, lens, seed in runs:
            results.train(run_name(recipe, lens, seed), run_config(recipe, lens, seed))
    if FLAGS.phase in ("all", "table"):
        rows = [measure(*run) for run in runs if os.path.exists(os.path.join(FLAGS.runs, run_name(*run), "metrics.json"))]
        groups = [(recipe, lens, group(rows, recipe, lens)) for recipe in FLAGS.recipes for lens in (False, True)]
        report.append("tempered", [summary(*g) for g in groups if g[2]])
        print(report.render("tempered"))
        plot(rows)


if __name__ == "__main__":
    from zoo.errors import exit_on_user_error  # here: TensorFlow loads with zoo, after runtime.quiet()

    app.run(exit_on_user_error(main))
