"""python -m train --config=configs/NAME.py --workdir=DIR [--config.KEY=VALUE ...]
                   [--strategy=default|mirrored|multi_worker] [--cpu_replicas=N] [--deterministic]

With no flags it trains the embedded default (configs/pacgan_toy.py: PacGAN2, a non-saturating GAN
whose discriminator judges pairs of samples, on the 8-gaussian ring, no download) into a fresh
directory under ./runs and says where.
Running again on the same --workdir resumes.
"""
import datetime
import os

from train import cli  # noqa: F401  (quiets TensorFlow before it is imported)

from absl import app, flags
from ml_collections import config_flags

import configs

_parse_flags = cli.parse_flags_or_exit(lambda: config_flags.DEFINE_config_file(
    "config", configs.DEFAULT, "Experiment config file (configs/*.py).", lock_config=True),
    config_default=configs.DEFAULT)
flags.DEFINE_string("workdir", None, "Run directory; default: a new one under ./runs.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker"],
                  "tf.distribute strategy (multi_worker: configured by TF_CONFIG; README, 'Distributed training').")
flags.DEFINE_bool("deterministic", False, "TensorFlow op determinism: two runs with the same seed give "
                  "identical weights (on CPU; some GPU ops are slower or unavailable). Also on with "
                  "the environment variable TF_DETERMINISTIC_OPS=1.")
flags.DEFINE_integer("cpu_replicas", 0, "Split the CPU into this many logical devices (for mirrored "
                     "training and its tests on a CPU-only machine).", lower_bound=0)
FLAGS = flags.FLAGS


@cli.user_errors
def main(argv):
    if len(argv) > 1:
        from zoo.errors import UserError
        raise UserError(f"unexpected arguments {' '.join(argv[1:])}; flags look like --name=value")
    config = FLAGS.config
    workdir = FLAGS.workdir
    if workdir is None and FLAGS.strategy == "multi_worker":
        from zoo.errors import UserError
        raise UserError("--strategy=multi_worker needs --workdir (the same directory on every worker)")
    if workdir is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        workdir = os.path.join("runs", f"{config.name}-{stamp}")
        print(f"Training {config.name} into {workdir}")
    from train import runtime, strategy as strategies
    runtime.setup(config, FLAGS.cpu_replicas, FLAGS.deterministic)
    strategy = strategies.make(FLAGS.strategy, FLAGS.cpu_replicas)

    from train import trainer, workdir as workdirs
    _, metrics = trainer.run(config, workdir, strategy)  # a NaN loss: exit 3 (cli.user_errors)
    if strategies.worker_dir(workdir, strategy) != workdir:  # a non-chief worker: the chief reports
        print(f"Done: worker {strategies.worker()[:2]} of {workdir}")
        return
    print(f"Done: {workdir} (metrics {metrics}); sample with: "
          f"python -m export.sample {os.path.join(workdir, workdirs.EXPORT)} --num=64 --seed=0 --out=grid.png")


if __name__ == "__main__":
    app.run(main, flags_parser=_parse_flags)
