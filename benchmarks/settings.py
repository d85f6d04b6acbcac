"""The per-family speed settings, A/B in one run: steps per Keras call, CPU threads per op, and XLA.

    python -m benchmarks.settings [--configs=nsgan_toy,...] [--rounds=2] [--seconds=4] [--repeats=2]
"""
from absl import flags

from benchmarks import cli, report
from benchmarks.throughput import FAMILIES, run_child

flags.DEFINE_list("configs", FAMILIES, "Configs to measure.")
flags.DEFINE_integer("rounds", 2, "Interleaved rounds over the variants.")
flags.DEFINE_float("seconds", 4.0, "Approximate seconds per timed epoch.")
flags.DEFINE_integer("repeats", 2, "Timed epochs per measurement.")
FLAGS = flags.FLAGS

# name -> (steps_per_execution (0: the config's), intra_op_threads, jit_compile)
VARIANTS = {"spe=1": (1, 0, "off"), "spe=N": (0, 0, "off"), "spe=N, 1 thr": (0, 1, "off"),
            "spe=N, XLA": (0, 0, "on"), "spe=N, 1 thr, XLA": (0, 1, "on"), "spe=1, 1 thr": (1, 1, "off")}


def main(argv):
    for name in FLAGS.configs:
        for round_ in range(FLAGS.rounds):
            for variant, (spe, threads, jit) in VARIANTS.items():
                row = run_child(name, FLAGS.seconds, FLAGS.repeats, spe, jit, threads, bare=False)
                report.append("settings", [dict(row, variant=variant, round=round_, seconds=FLAGS.seconds,
                                                repeats=FLAGS.repeats)])
                print(f"{name} round {round_} {variant}: {row['fit']:.1f} updates/s", flush=True)
    print(report.render("settings"))


if __name__ == "__main__":
    cli.run(main)
