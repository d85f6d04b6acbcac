"""The zoo's results: every config trained at a stated budget (benchmarks/budgets.py) and evaluated.

    python -m benchmarks.results [--configs=nsgan_mnist,...] [--phase=all|train|table] [--runs=runs/results]

`--phase=table` only renders benchmarks/RESULTS.md from benchmarks/results/results.jsonl.
"""
import json
import os
import shutil
import time

from absl import flags

from benchmarks import budgets, cli, report
from train import runtime
from zoo_core.errors import UserError

runtime.quiet()

BUDGETS = budgets.BUDGETS

flags.DEFINE_list("configs", list(BUDGETS), "Runs to train and evaluate: a config name (configs/NAME.py), "
                  "or CONFIG-DIVERGENCE for the f-GAN configs; 'fgan' for every f-GAN run.")
flags.DEFINE_enum("phase", "all", ["all", "train", "table"], "What to do.")
flags.DEFINE_string("runs", "runs/results", "Directory of the training workdirs (one per config).")
FLAGS = flags.FLAGS
# the metrics of a run's in-training evaluations (eval.every; DIR/logs/eval) kept in its eval record
CURVE_METRICS = ("nn1_acc_val", "nn1_acc_val_hidden", "fid10k_test")


def config_for(name):
    import configs

    # float32 unless the budget says otherwise: the rows compare on any CPU (config.mixed_precision="auto"
    # would train the image GANs in bfloat16 where the CPU has it)
    return configs.load(name.split("-")[0], {"mixed_precision": None, **BUDGETS[name]})


def _append(record):
    report.append("results", [record])
    print(json.dumps(record), flush=True)


def train(name, config):
    import keras
    import tensorflow as tf

    from train import trainer, workdir as workdirs

    workdir = os.path.join(FLAGS.runs, name)
    source = budgets.CONTINUES.get(name)
    if source and not os.path.exists(workdir):  # its first steps are SOURCE's: trained once, copied
        train(source, config_for(source))
        shutil.rmtree(workdir + ".copying", ignore_errors=True)  # a copy a killed process left half done
        shutil.copytree(os.path.join(FLAGS.runs, source), workdir + ".copying",
                        ignore=shutil.ignore_patterns(workdirs.EXPORT, workdirs.METRICS, workdirs.LOCK))
        os.rename(workdir + ".copying", workdir)
    start_step = workdirs.resume_step(workdir)
    if start_step >= config.steps:
        return
    keras.backend.clear_session()
    start = time.perf_counter()
    record = dict(kind="train", config=name, steps=config.steps, batch_size=config.data.batch_size)
    try:
        trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
    except BaseException:
        # Ctrl-C or an error: the time spent is recorded too (a run trained in parts sums its records), with
        # the step its last checkpoint holds, from which the next process resumes
        record["interrupted_at"] = workdirs.resume_step(workdir)
        raise
    finally:
        _append(dict(record, seconds=round(time.perf_counter() - start, 1), resumed_from=start_step))


def curve(workdir, metrics=CURVE_METRICS):
    """{metric: [[step, value], ...]} of the run's in-training evaluations of METRICS (those it has),
    one point per step (a resumed run's repeated step counts once, its newest value)."""
    from train import workdir as workdirs

    points = {tag.removeprefix("eval/"): dict(values) for tag, values in workdirs.read_scalars(workdir, "eval").items()}
    return {m: [[step, value] for step, value in sorted(points[m].items())] for m in metrics if m in points}


def evaluate(name, config):
    """Evaluates the newest checkpoint of RUNS/NAME with the config file's current `eval` settings; the
    record also holds the run's curve of CURVE_METRICS when it evaluated itself during training."""
    import keras

    from train import trainer, workdir as workdirs

    keras.backend.clear_session()
    workdir = os.path.join(FLAGS.runs, name)
    model = workdirs.load_checkpoint(os.path.join(workdir, workdirs.CHECKPOINTS))
    start = time.perf_counter()
    metrics = trainer.write_metrics(model, config, workdir)
    points = curve(workdir)
    _append(dict(kind="eval", config=name, step=workdirs.step_of(model), seconds=round(time.perf_counter() - start, 1),
                 metrics=metrics, **({"curve": points} if points else {})))


def main(argv):
    if "fgan" in FLAGS.configs:
        i = FLAGS.configs.index("fgan")
        FLAGS.configs = FLAGS.configs[:i] + [n for n in BUDGETS if n.startswith("fgan")] + FLAGS.configs[i + 1:]
    unknown = [c for c in FLAGS.configs if c not in BUDGETS]
    if unknown:
        raise UserError(f"no budget for {', '.join(unknown)}; known: {', '.join(BUDGETS)}")
    configs = {name: config_for(name) for name in FLAGS.configs}  # read every config file up front
    if FLAGS.phase in ("all", "train"):
        for name in FLAGS.configs:
            train(name, configs[name])
    if FLAGS.phase == "all":
        for name in FLAGS.configs:
            evaluate(name, configs[name])
    if FLAGS.phase in ("all", "table"):
        print(report.render("results"))


if __name__ == "__main__":
    cli.run(main)
