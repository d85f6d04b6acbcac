"""python -m train.export --workdir=DIR [--step=N] [--format=saved_model,onnx]

Re-exports DIR/export from the newest checkpoint of DIR (or from that of step N, one of the kept
checkpoints), in the chosen formats; the export directory is replaced atomically. (`python -m
export` runs this too.) It lives in train/ because rebuilding a model from a workdir's config is
training code; the export package never imports train.
"""
from train import cli  # noqa: F401  (quiets TensorFlow before it is imported)

from absl import app, flags

flags.DEFINE_string("workdir", None, "Training workdir holding checkpoints/ and config.json.", required=True)
flags.DEFINE_integer("step", None, "Export the checkpoint of this step (default: the newest).", lower_bound=0)
flags.DEFINE_list("format", ["saved_model", "onnx"], "Artifacts to write: saved_model and/or onnx.")
FLAGS = flags.FLAGS


@cli.user_errors
def main(argv):
    from export import lib as export_lib
    from train import trainer, workdir

    formats = export_lib.check_formats(FLAGS.format)  # before loading anything
    config, model = workdir.load_run(FLAGS.workdir, FLAGS.step)
    metrics = workdir.read_metrics(FLAGS.workdir).get("metrics", {})
    trainer.export_run(model, config, FLAGS.workdir, metrics, formats)
    print(f"exported step {model.optimizer.iterations.numpy()} ({', '.join(formats)}) to {FLAGS.workdir}/export")


if __name__ == "__main__":
    app.run(main, flags_parser=cli.parse_flags_or_exit())
