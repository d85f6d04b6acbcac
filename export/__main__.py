"""python -m export --workdir=DIR: re-exports DIR/export from the newest checkpoint of DIR."""
from train import cli  # noqa: F401  (quiets TensorFlow before it is imported)

from absl import app, flags

flags.DEFINE_string("workdir", None, "Training workdir holding checkpoints/ and config.json.", required=True)
FLAGS = flags.FLAGS


@cli.user_errors
def main(argv):
    from train import lib

    config, model = lib.load_run(FLAGS.workdir)
    metrics = lib.read_metrics(FLAGS.workdir)
    lib.export_run(model, config, FLAGS.workdir, metrics)
    print(f"exported step {model.optimizer.iterations.numpy()} to {FLAGS.workdir}/export")


if __name__ == "__main__":
    app.run(main)
