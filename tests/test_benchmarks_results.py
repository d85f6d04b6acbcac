"""benchmarks.results keeps a run's in-training evaluations (DIR/logs/eval) in its eval record, and
the renderer shows them."""
import pytest
import tensorflow as tf

from benchmarks import report, results


def _write(log_dir, points):
    writer = tf.summary.create_file_writer(log_dir)
    with writer.as_default():
        for step, metrics in points:
            for name, value in metrics.items():
                tf.summary.scalar(f"eval/{name}", value, step=step)
    writer.close()


def test_the_curve_holds_the_curve_metrics_once_per_step_the_resumed_value_last(tmp_path):
    log_dir = str(tmp_path / "logs" / "eval")
    _write(log_dir, [(4000, dict(nn1_acc_val=0.95, fid10k_test=56.0, kid10k_test=1.0)),
                     (8000, dict(nn1_acc_val=0.94, fid10k_test=34.0))])
    _write(log_dir, [(8000, dict(nn1_acc_val=0.96, fid10k_test=30.0))])  # a resumed process, later file
    curve = results.curve(str(tmp_path))
    assert set(curve) == {"nn1_acc_val", "fid10k_test"}  # kid10k_test is no curve metric
    assert [step for step, _ in curve["nn1_acc_val"]] == [4000, 8000]
    assert abs(curve["nn1_acc_val"][1][1] - 0.96) < 1e-6 and abs(curve["fid10k_test"][0][1] - 56.0) < 1e-4
    assert results.curve(str(tmp_path / "nothing")) == {}
    # benchmarks.tempered asks for the metrics it plots, here one that is no curve metric by default
    assert results.curve(str(tmp_path), ["kid10k_test", "absent"]) == {"kid10k_test": [[4000, 1.0]]}


def test_the_encoder_curve_table_renders_each_point():
    metrics = dict(nn1_acc_val=0.9588, nn1_acc_test=0.95, probe_acc_test=0.9, recon_mse_test=0.05,
                   fid10k_test=11.0, parzen10k=200.0, parzen10k_se=2.0)
    records = [dict(kind="train", config="bigan_mnist-200ep", steps=78_000, batch_size=128, seconds=4000.0),
               dict(kind="eval", config="bigan_mnist-200ep", step=78_000, seconds=20.0, metrics=metrics,
                    curve=dict(nn1_acc_val=[[4000, 0.9512], [8000, 0.9489]], fid10k_test=[[4000, 56.06]]))]
    table = report.results(report.read("results") + records)["encoder_curves"]  # the committed runs beside
    assert table.splitlines()[-2:] == ["| bigan_mnist-200ep | 4000 | 95.12% | 56.06 |",
                                      "| bigan_mnist-200ep | 8000 | 94.89% |  |"]


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_run_records_its_time_and_the_step_it_resumes_from(monkeypatch, tmp_path, stop):
    from absl import flags

    import configs
    from train import trainer, workdir as workdirs

    steps = iter([500, 1500])  # the checkpoint's step when the process starts, and when it stops

    def run(*args, **kwargs):
        raise stop("stopped")

    appended = []
    monkeypatch.setattr(workdirs, "resume_step", lambda workdir: next(steps))
    monkeypatch.setattr(trainer, "run", run)
    monkeypatch.setattr(results, "_append", appended.append)
    flags.FLAGS(["results", f"--runs={tmp_path}"])
    try:
        with pytest.raises(stop):
            results.train("nsgan_mnist-test", configs.load("nsgan_mnist", {"steps": 2000}))
    finally:
        flags.FLAGS.unparse_flags()
    [record] = appended
    assert (record["resumed_from"], record["interrupted_at"], record["steps"]) == (500, 1500, 2000)
    assert record["kind"] == "train" and record["seconds"] >= 0
