"""python -m train.evaluate --workdir=DIR: recomputes DIR/metrics.json from the newest checkpoint."""
from train import cli  # noqa: F401  (quiets TensorFlow before it is imported)

import json

from absl import app, flags

flags.DEFINE_string("workdir", None, "Training workdir holding checkpoints/ and config.json.", required=True)
FLAGS = flags.FLAGS


@cli.user_errors
def main(argv):
    from train import trainer, workdir

    config, model = workdir.load_run(FLAGS.workdir)
    metrics = trainer.write_metrics(model, config, FLAGS.workdir)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags_or_exit())
