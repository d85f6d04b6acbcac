"""The MNIST DCGAN training step (configs/nsgan_mnist.py) in the zoo against an eager PyTorch twin of
the same nets (benchmarks/torch_twin.py), in float32 and bfloat16, timed interleaved in one run.

    pip install -e '.[bench]'          # PyTorch, for this benchmark only
    python -m benchmarks.versus_pytorch [--rounds=3] [--seconds=10] [--repeats=3]
                                        [--precisions=float32,bfloat16] [--compile] [--out=FILE]

Each measurement is a fresh process (threading is fixed when a framework starts): the zoo's through
`fit` at the config's defaults (benchmarks/throughput.py's child, bfloat16 by
--config.mixed_precision=mixed_bfloat16), PyTorch's by benchmarks/torch_twin.py. The variants take
turns within each round, so a slow minute hits all of them; the table reports the median of every
timed repeat of every round and their range. Each child also times its framework's 2048 x 2048
matmul in its precision; the machine's peak per precision is the better framework's median, and
"% of peak" is the step's FLOPs (convolutions and matmuls, forward and gradients, counted on the
zoo's graph) times updates/s over it. Before timing, the twin's parameter counts are checked
against the zoo's networks.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

from absl import app, flags

from benchmarks.throughput import run_child

FLAGS = flags.FLAGS
CONFIG = "nsgan_mnist"
KERAS_PRECISION = {"float32": "float32", "bfloat16": "mixed_bfloat16"}


def torch_child(precision, compile_nets, seconds, repeats):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "row.json")
        cmd = [sys.executable, "-m", "benchmarks.torch_twin", f"--precision={precision}", f"--seconds={seconds}",
               f"--repeats={repeats}", f"--row_json={path}", "--compile" if compile_nets else "--nocompile"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
        with open(path) as f:
            return json.load(f)


def zoo_child(precision, seconds, repeats):
    """The zoo's row (benchmarks.throughput) with its matmul peak in `precision`."""
    row = run_child(CONFIG, seconds, repeats, bare=False, mixed_precision=KERAS_PRECISION[precision],
                    peak=True)
    return dict(rate=row["fit"], all=row["fit_all"], flops=row["flops"], peak=row["peak"])


def check_twin():
    """Stops the run if the twin's trainable parameter counts differ from the zoo's networks'."""
    import numpy as np

    from benchmarks import torch_twin
    from zoo.nets import dcgan

    ours = [dcgan.generator(torch_twin.LATENT, (28, 28, 1)), dcgan.discriminator((28, 28, 1))]
    theirs = torch_twin.networks()
    for keras_net, torch_net in zip(ours, theirs):
        a = sum(int(np.prod(v.shape)) for v in keras_net.trainable_variables)
        b = sum(p.numel() for p in torch_net.parameters())
        if a != b:
            sys.exit(f"the PyTorch twin's {keras_net.name} has {b} parameters, the zoo's {a}: fix benchmarks/torch_twin.py")


def summary(rows):
    """{variant: {rate, lo, hi, peak, ...}} over every timed repeat of every round."""
    out = {}
    for key, runs in rows.items():
        good = [r for r in runs if "error" not in r]
        if not good:
            out[key] = {"error": runs[0]["error"]}
            continue
        rates = [x for r in good for x in r["all"]]
        out[key] = dict(rate=statistics.median(rates), lo=min(rates), hi=max(rates),
                        peak=statistics.median(r["peak"] for r in good),
                        flops=next((r["flops"] for r in good if "flops" in r), None))
    return out


def table(stats, precisions, compile_nets):
    from train import cpu

    flops = next(s["flops"] for s in stats.values() if s.get("flops"))
    lines = [f"`python -m benchmarks.versus_pytorch --rounds={FLAGS.rounds} --seconds={FLAGS.seconds:g} "
             f"--repeats={FLAGS.repeats}{' --compile' if compile_nets else ''}` on {os.cpu_count()} CPU cores "
             f"({cpu.describe()}); bfloat16 in TensorFlow: {cpu.bfloat16_path()}. Step: "
             f"configs/{CONFIG}.py, batch 64, {flops / 1e9:.2f} GFLOP per update.", "",
             "| precision | engine | updates/s, median (range) | zoo / this | matmul peak, this engine (GFLOP/s) "
             "| % of the machine's matmul peak |", "|---|---|---|---|---|---|"]
    for precision in precisions:
        peak = max(s["peak"] for (p, _), s in stats.items() if p == precision and "peak" in s)
        zoo = stats[(precision, "zoo")]
        for engine in ["zoo", "torch", "torch.compile"]:
            s = stats.get((precision, engine))
            if s is None:
                continue
            name = {"zoo": "zoo (TensorFlow, fit)", "torch": "PyTorch eager",
                    "torch.compile": "PyTorch, torch.compile"}[engine]
            if "error" in s:
                lines.append(f"| {precision} | {name} | did not run: {s['error']} | | | |")
                continue
            lines.append(f"| {precision} | {name} | {s['rate']:.2f} ({s['lo']:.2f}-{s['hi']:.2f}) | "
                         f"{zoo['rate'] / s['rate']:.2f}x | {s['peak'] / 1e9:.0f} | "
                         f"{100 * flops * s['rate'] / peak:.1f}% of {peak / 1e9:.0f} |")
    return "\n".join(lines)


def main(argv):
    from train import runtime

    runtime.quiet()
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("PyTorch is not installed: `pip install -e '.[bench]'` installs the version this "
                 "benchmark was run with (it is never a dependency of the zoo itself).")
    check_twin()
    engines = ["zoo", "torch"] + (["torch.compile"] if FLAGS.compile else [])
    rows = {(p, e): [] for p in FLAGS.precisions for e in engines}
    for r in range(FLAGS.rounds):
        for precision in FLAGS.precisions:
            for engine in engines:
                if engine == "zoo":
                    row = zoo_child(precision, FLAGS.seconds, FLAGS.repeats)
                else:
                    row = torch_child(precision, engine == "torch.compile", FLAGS.seconds, FLAGS.repeats)
                rows[(precision, engine)].append(row)
                print(f"round {r + 1}, {precision}, {engine}: "
                      f"{row.get('error') or ', '.join(f'{x:.2f}' for x in row['all'])} updates/s", flush=True)
    text = table(summary(rows), FLAGS.precisions, FLAGS.compile)
    if FLAGS.out:
        from benchmarks.publish import publish

        publish(text, FLAGS.out, "The MNIST DCGAN step against eager PyTorch", "VERSUS_PYTORCH")
    else:
        print(text)


if __name__ == "__main__":
    flags.DEFINE_integer("rounds", 3, "Rounds; every variant runs once per round, in turn.")
    flags.DEFINE_float("seconds", 10.0, "Approximate seconds per timed repeat.")
    flags.DEFINE_integer("repeats", 3, "Timed repeats per process.")
    flags.DEFINE_list("precisions", ["float32", "bfloat16"], "float32 and/or bfloat16.")
    flags.DEFINE_bool("compile", False, "Also time the twin under torch.compile.")
    flags.DEFINE_string("out", "", "Also write the table here and into README.md's VERSUS_PYTORCH section "
                        "(benchmarks/results/versus_pytorch.md).")
    app.run(main)
