"""The MNIST DCGAN training step (configs/nsgan_mnist.py) in the zoo against an eager PyTorch twin of
the same nets (benchmarks/torch_twin.py), in float32 and bfloat16, timed interleaved in one run.

    pip install -e '.[bench]'          # PyTorch, for this benchmark only
    python -m benchmarks.versus_pytorch [--rounds=3] [--seconds=10] [--repeats=3]
                                        [--precisions=float32,bfloat16] [--compile] [--bench=versus_pytorch]
"""

from absl import flags

from benchmarks import cli, report, timing, torch_twin
from benchmarks.throughput import run_child

FLAGS = flags.FLAGS
CONFIG = "nsgan_mnist"
KERAS_PRECISION = {"float32": "float32", "bfloat16": "mixed_bfloat16"}


def torch_child(precision, compile_nets, seconds, repeats):
    return timing.child_row("benchmarks.torch_twin", f"--precision={precision}", f"--seconds={seconds}",
                            f"--repeats={repeats}", "--compile" if compile_nets else "--nocompile")


def zoo_child(precision, seconds, repeats):
    """The zoo's row (benchmarks.throughput) with its matmul peak in `precision`."""
    row = run_child(CONFIG, seconds, repeats, bare=False, mixed_precision=KERAS_PRECISION[precision],
                    peak=True)
    return dict(all=row["fit_all"], flops=row["flops"], peak=row["peak"])


def check_twin():
    """Stops the run if the twin's trainable parameter counts differ from the zoo's networks'."""
    import numpy as np

    from zoo.nets import dcgan

    ours = [dcgan.generator(torch_twin.LATENT, (28, 28, 1)), dcgan.discriminator((28, 28, 1))]
    theirs = torch_twin.networks()
    for keras_net, torch_net in zip(ours, theirs):
        a = sum(int(np.prod(v.shape)) for v in keras_net.trainable_variables)
        b = sum(p.numel() for p in torch_net.parameters())
        if a != b:
            raise RuntimeError(f"the PyTorch twin's {keras_net.name} has {b} parameters, the zoo's {a}: fix benchmarks/torch_twin.py")


def main(argv):
    from train import cpu, runtime

    runtime.quiet()
    torch_twin.require_torch()
    check_twin()
    engines = ["zoo", "torch"] + (["torch.compile"] if FLAGS.compile else [])
    for r in range(FLAGS.rounds):
        for precision in FLAGS.precisions:
            for engine in engines:
                if engine == "zoo":
                    row = zoo_child(precision, FLAGS.seconds, FLAGS.repeats)
                else:
                    row = torch_child(precision, engine == "torch.compile", FLAGS.seconds, FLAGS.repeats)
                report.append(FLAGS.bench, [dict(row, precision=precision, engine=engine, round=r, rounds=FLAGS.rounds,
                                                 seconds=FLAGS.seconds, repeats=FLAGS.repeats, bfloat16=cpu.bfloat16_path())])
                print(f"round {r + 1}, {precision}, {engine}: "
                      f"{row.get('error') or ', '.join(f'{x:.2f}' for x in row['all'])} updates/s", flush=True)
    print(report.render(FLAGS.bench))


if __name__ == "__main__":
    flags.DEFINE_integer("rounds", 3, "Rounds; every variant runs once per round, in turn.")
    flags.DEFINE_float("seconds", 10.0, "Approximate seconds per timed repeat.")
    flags.DEFINE_integer("repeats", 3, "Timed repeats per process.")
    flags.DEFINE_list("precisions", ["float32", "bfloat16"], "float32 and/or bfloat16.")
    flags.DEFINE_bool("compile", False, "Also time the twin under torch.compile.")
    flags.DEFINE_string("bench", "versus_pytorch", "Records to benchmarks/results/BENCH.jsonl (versus_pytorch_amx: "
                        "the AMX Xeon's).")
    cli.run(main)
