"""The per-family speed settings, A/B in one run: steps per Keras call, CPU threads per op, and XLA.

    python -m benchmarks.settings [--configs=nsgan_toy,...] [--rounds=2] [--seconds=4] [--repeats=2]
                                  [--out=benchmarks/results/settings.md]

Every config is trained through `fit` (benchmarks.throughput, fit only, each measurement in a fresh
process: threading is fixed when TensorFlow starts) under each variant:

    spe=1           one step per Keras call, TensorFlow's default threading, no XLA (the untuned baseline)
    spe=N           the config's steps_per_execution N
    spe=N, 1 thr    ... and config.intra_op_threads = 1 (each op on one core, ops side by side)
    spe=N, XLA      ... and jit_compile (default threading)
    spe=N, 1 thr, XLA   both
    spe=1, 1 thr    one step per call with one thread per op (what the block alone buys there)

The variants run interleaved (round 1: every variant, round 2: every variant again, ...) so that a
slow minute of the machine hits all of them; each cell is the median updates/s of all timed epochs
(rounds x repeats) and their range. "defaults" is the variant the config ships with; the ratios
compare it with the two one-step-per-call baselines. Raw rows go to the .jsonl beside --out, and
--render redraws the table from them (after a config's defaults change, say) without measuring.
"""
import json
import os
import statistics

from absl import app, flags

from benchmarks.publish import publish
from benchmarks.throughput import FAMILIES, run_child

flags.DEFINE_list("configs", FAMILIES, "Configs to measure.")
flags.DEFINE_integer("rounds", 2, "Interleaved rounds over the variants.")
flags.DEFINE_float("seconds", 4.0, "Approximate seconds per timed epoch.")
flags.DEFINE_integer("repeats", 2, "Timed epochs per measurement.")
flags.DEFINE_string("out", "", "Write the table here (and README.md's SETTINGS section); raw rows to "
                    "the same name with .jsonl.")
flags.DEFINE_bool("render", False, "Only redraw the table of --out from its .jsonl.")
FLAGS = flags.FLAGS

# name -> (steps_per_execution (0: the config's), intra_op_threads, jit_compile)
VARIANTS = {"spe=1": (1, 0, "off"), "spe=N": (0, 0, "off"), "spe=N, 1 thr": (0, 1, "off"),
            "spe=N, XLA": (0, 0, "on"), "spe=N, 1 thr, XLA": (0, 1, "on"), "spe=1, 1 thr": (1, 1, "off")}


def default_variant(name):
    """The variant a config ships with (None if it matches none)."""
    import configs

    config = configs.load(name)
    threads, jit = config.get("intra_op_threads", 0), "on" if config.jit_compile else "off"
    spe = 1 if config.steps_per_execution == 1 else 0
    return next((v for v, key in VARIANTS.items() if key == (spe, threads, jit)), None)


def render(rows):
    rates = {}
    for r in rows:
        rates.setdefault(r["config"], {}).setdefault(r["variant"], []).extend(r["fit_all"])
    blocks = {r["config"]: r["block"] for r in rows if r["variant"] == "spe=N"}
    head = list(VARIANTS)
    lines = ["Generator updates/s through `fit`: median of all timed epochs (range); N = the config's "
             "steps_per_execution; **bold** = the config's defaults.", "",
             "| config | N | " + " | ".join(head) + " | defaults / spe=1 | defaults / (spe=1, same threads) |",
             "|---|---|" + "---|" * len(head) + "---|---|"]
    for name, by in rates.items():
        median = {v: statistics.median(x) for v, x in by.items()}
        chosen = default_variant(name)
        cells = []
        for v in head:
            if v not in by:
                cells.append("")
                continue
            cell = f"{median[v]:.1f} ({min(by[v]):.1f}-{max(by[v]):.1f})"
            cells.append(f"**{cell}**" if v == chosen else cell)
        same = "spe=1, 1 thr" if chosen and "1 thr" in chosen else "spe=1"
        ratio = lambda base: f"{median[chosen] / median[base]:.2f}x" if chosen in median and base in median else ""
        lines.append(f"| {name} | {blocks.get(name, '')} | " + " | ".join(cells) +
                     f" | {ratio('spe=1')} | {ratio(same)} |")
    return "\n".join(lines)


def main(argv):
    raw = os.path.splitext(FLAGS.out)[0] + ".jsonl" if FLAGS.out else ""
    if FLAGS.render:
        with open(raw) as f:
            rows = [json.loads(line) for line in f]
    else:
        rows = []
        for name in FLAGS.configs:
            for round_ in range(FLAGS.rounds):
                for variant, (spe, threads, jit) in VARIANTS.items():
                    row = run_child(name, FLAGS.seconds, FLAGS.repeats, spe, jit, threads, bare=False)
                    row.update(variant=variant, round=round_, seconds=FLAGS.seconds, repeats=FLAGS.repeats)
                    rows.append(row)
                    print(f"{name} round {round_} {variant}: {row['fit']:.1f} updates/s", flush=True)
            if raw:  # after every config: a long run that stops keeps what it measured
                with open(raw, "w") as f:
                    f.writelines(json.dumps(r) + "\n" for r in rows)
    first = rows[0]
    text = (f"`python -m benchmarks.settings --rounds={max(r['round'] for r in rows) + 1} "
            f"--seconds={first['seconds']:g} --repeats={first['repeats']}` on {os.cpu_count()} CPU cores.\n\n"
            + render(rows))
    if FLAGS.out:
        publish(text, FLAGS.out, "Speed settings per model family, A/B in one run", "SETTINGS")
    else:
        print(text)


if __name__ == "__main__":
    app.run(main)
