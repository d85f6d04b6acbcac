"""Mode coverage of every GAN objective on the PacGAN ring and grid, several seeds each.

    python -m benchmarks.toy_modes [--seeds=5] [--mixtures=ring,grid] [--recipes=nsgan,wgangp]
                                   [--out=benchmarks/results/toy_modes] [--table_only]

Each run trains a recipe's toy config through the real trainer (`train.lib.run`) in a fresh
temporary workdir and reads the PacGAN metrics (2,500 samples) from its metrics.json. Results are
appended to OUT.jsonl as they finish (so a long sweep can be stopped and resumed: finished runs
are skipped), and the table is printed and written to OUT.md beside PacGAN's Table 1.

A recipe's budget (steps and any deviation from its config) is in BUDGETS below: every run must
finish in under 3 minutes on a 2-core CPU, which is what the per-recipe step counts were chosen for.
"""
import json
import os
import tempfile
import time

from absl import app, flags

from benchmarks import budgets

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

flags.DEFINE_integer("seeds", 5, "Seeds per (recipe, mixture).")
flags.DEFINE_list("mixtures", ["ring", "grid"], "Toy mixtures.")
flags.DEFINE_list("recipes", ["mmgan", "nsgan", "lsgan", "wgan", "wgangp"], "Recipes (configs/RECIPE_toy.py).")
flags.DEFINE_string("out", "benchmarks/results/toy_modes", "Output prefix (.jsonl and .md).")
flags.DEFINE_bool("table_only", False, "Only tabulate the finished runs in OUT.jsonl; train nothing.")
FLAGS = flags.FLAGS

BUDGETS = budgets.TOY

PACGAN = {  # PacGAN Table 1 (10 trials): modes, % high quality, reverse KL
    "ring": [("GAN", "6.3 +- 0.5", "98.2", "0.45"), ("ALI", "6.6", "97.6", "0.36"),
             ("PacGAN2", "7.9 +- 0.1", "95.6", "0.07"), ("PacGAN4", "7.8", "95.9", "0.07")],
    "grid": [("GAN", "17.3 +- 0.8", "94.8", "0.70"), ("ALI", "24.1", "95.7", "0.14"),
             ("PacGAN3", "24.6", "94.2", "0.06"), ("PacGAN4", "24.8 +- 0.2", "93.6", "0.04")],
}


def config_for(recipe, mixture, seed):
    import configs

    return configs.load(f"{recipe}_toy", {"data.name": mixture, "seed": seed, **BUDGETS[recipe]})


def one_run(recipe, mixture, seed):
    import keras
    import tensorflow as tf

    from train import lib

    keras.backend.clear_session()
    config = config_for(recipe, mixture, seed)
    with tempfile.TemporaryDirectory() as workdir:
        start = time.perf_counter()
        _, metrics = lib.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
        seconds = time.perf_counter() - start
    return dict(recipe=recipe, mixture=mixture, seed=seed, seconds=round(seconds, 1),
                steps=config.steps, batch_size=config.data.batch_size, **metrics)


def _mean_std(values):
    import numpy as np

    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{np.mean(values):.2f} +- {np.std(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def table(results):
    lines = []
    for mixture in FLAGS.mixtures:
        n_modes = 8 if mixture == "ring" else 25
        lines += [f"### {mixture} ({n_modes} modes), 2,500 samples per run", "",
                  "| model | runs | steps | modes | high quality (%) | reverse KL* | wall time (s), mean / max |",
                  "|---|---|---|---|---|---|---|"]
        for recipe in FLAGS.recipes:
            rows = [r for r in results if r["recipe"] == recipe and r["mixture"] == mixture]
            if not rows:
                continue
            lines.append(
                f"| {recipe} (zoo) | {len(rows)} | {rows[0]['steps']} | {_mean_std([r['modes2500'] for r in rows])} | "
                f"{_mean_std([100 * r['high_quality2500'] for r in rows])} | "
                f"{_mean_std([r['reverse_kl2500'] for r in rows])} | "
                f"{sum(r['seconds'] for r in rows) / len(rows):.0f} / {max(r['seconds'] for r in rows):.0f} |")
        for name, modes, hq, kl in PACGAN[mixture]:
            lines.append(f"| {name} (PacGAN Table 1) | 10 | | {modes} | {hq} | {kl} | |")
        lines.append("")
    lines.append("Mean +- standard deviation over seeds. *Reverse KL is averaged over the runs that produced "
                 "at least one high-quality sample (it is undefined otherwise); n/a when none did.")
    return "\n".join(lines)


def main(argv):
    os.makedirs(os.path.dirname(FLAGS.out) or ".", exist_ok=True)
    jsonl = FLAGS.out + ".jsonl"
    done = []
    if os.path.exists(jsonl):
        with open(jsonl) as f:
            done = [json.loads(line) for line in f if line.strip()]
    finished = {(r["recipe"], r["mixture"], r["seed"]) for r in done}
    for seed in range(0 if FLAGS.table_only else FLAGS.seeds):  # seed-major: a stopped sweep still covers every recipe
        for mixture in FLAGS.mixtures:
            for recipe in FLAGS.recipes:
                if (recipe, mixture, seed) in finished:
                    continue
                result = one_run(recipe, mixture, seed)
                print(json.dumps(result), flush=True)
                with open(jsonl, "a") as f:
                    f.write(json.dumps(result) + "\n")
                done.append(result)
    text = table([r for r in done if r["recipe"] in FLAGS.recipes and r["seed"] < FLAGS.seeds])
    print(text)
    with open(FLAGS.out + ".md", "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    app.run(main)
