"""benchmarks.results keeps a run's in-training evaluations (DIR/logs/eval) in its eval record, and
the renderer shows them."""
import pytest
import tensorflow as tf

from benchmarks import budgets, report, results


def test_no_budget_shortens_the_encoder_protocol():
    """The results tables name the protocol's encoder metrics (nn1_acc_test, nn1_acc_val, ...): a budget
    with eval.encoder_examples would give them only the first n images' (..._first{n}_test)."""
    assert [name for name, budget in budgets.BUDGETS.items() if "eval.encoder_examples" in budget] == []


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
                    curve=dict(nn1_acc_val=[[4000, 0.9512], [8000, 0.9489]], nn1_acc_val_hidden=[[8000, 0.9701]],
                               fid10k_test=[[4000, 56.06]]))]
    table = report.results(report.read("results") + records)["encoder_curves"]  # the committed runs beside
    assert [line for line in table.splitlines() if line.startswith("| bigan_mnist-200ep |")] == ["| bigan_mnist-200ep | 4000 | 95.12% |  | 56.06 |",
                                      "| bigan_mnist-200ep | 8000 | 94.89% | 97.01% |  |"]


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


def test_a_continued_run_starts_from_a_copy_of_the_run_it_continues_and_decays_from_there(monkeypatch, tmp_path):
    """budgets.CONTINUES (bigan_mnist-400ep from bigan_mnist-200ep, at toy scale): the first run is
    trained once and left as it was, the second resumes from its copy with the rate decaying from
    there, and the page sums both runs' wall time."""
    from absl import flags

    from benchmarks import budgets
    from train import workdir as workdirs

    tiny = {"log_every": 2, "data.batch_size": 8, "eval.num_samples": 200}
    monkeypatch.setitem(budgets.BUDGETS, "nsgan_toy-constant", {"steps": 4, **tiny})
    monkeypatch.setitem(budgets.BUDGETS, "nsgan_toy-decayed", {"steps": 8, "g_optimizer.decay_from": 0.5,
                                                               "d_optimizer.decay_from": 0.5, **tiny})
    monkeypatch.setitem(budgets.CONTINUES, "nsgan_toy-decayed", "nsgan_toy-constant")
    appended = []
    monkeypatch.setattr(results, "_append", appended.append)
    flags.FLAGS(["results", f"--runs={tmp_path}"])
    try:
        results.train("nsgan_toy-decayed", results.config_for("nsgan_toy-decayed"))
    finally:
        flags.FLAGS.unparse_flags()
    assert [(r["config"], r["resumed_from"], r["steps"]) for r in appended] == [
        ("nsgan_toy-constant", 0, 4), ("nsgan_toy-decayed", 4, 8)]
    assert workdirs.resume_step(str(tmp_path / "nsgan_toy-constant")) == 4
    model = workdirs.load_checkpoint(str(tmp_path / "nsgan_toy-decayed" / "checkpoints"))
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert int(optimizer.iterations) == 8 and float(optimizer.learning_rate) == 0.0
        assert optimizer.get_config()["learning_rate"]["config"] == dict(learning_rate=1e-4, start=4, end=8)


def test_a_continued_run_lists_only_its_own_curve_points():
    """bigan_mnist-400ep's logs hold bigan_mnist-200ep's points (copied): its rows start after them."""
    table = report.results(report.read("results"))["encoder_curves"]
    steps = [int(line.split("|")[2]) for line in table.splitlines() if line.startswith("| bigan_mnist-400ep |")]
    assert steps and min(steps) > 78_000 and max(steps) == 156_000


def test_the_seeds_table_gives_each_seed_its_band_and_the_mean_over_seeds():
    """NAME-sK is NAME's budget with seed K: one row per seed (the second half's evaluations: steps >=
    half the budget), then the mean over seeds."""
    def run(name, final, curve, cpu):
        metrics = dict(nn1_acc_val=final, nn1_acc_val_hidden=0.97, nn1_acc_test=0.95, probe_acc_test=0.9,
                       recon_mse_test=0.05, fid10k_test=11.0, parzen10k=200.0, parzen10k_se=2.0)
        return [dict(kind="train", config=name, steps=78_000, batch_size=128, seconds=4000.0, cpu=cpu),
                dict(kind="eval", config=name, step=78_000, seconds=20.0, metrics=metrics, cpu=cpu,
                     curve=dict(nn1_acc_val=curve))]

    records = (run("bigan_mnist-200ep", 0.956, [[4000, 0.96], [39000, 0.95], [78000, 0.956]], "AMD EPYC: AVX2")
               + run("bigan_mnist-200ep-s1", 0.962, [[4000, 0.94], [35100, 0.99], [39000, 0.96], [78000, 0.962]],
                     "Intel(R) Xeon(R) Processor: AMX"))
    table = report.results(report.latest(report.read("results") + records, ("kind", "config")))["encoder_seeds"]
    rows = [line for line in table.splitlines() if "bigan_mnist-200ep" in line]
    assert rows == [
        "| bigan_mnist-200ep | 0 | AMD EPYC | 4000 | 95.60 | 97.00 | 95.30 +- 0.42 (2 points) | 95.00 to 95.60 | 0 | 4000 |",
        "| bigan_mnist-200ep | 1 | Intel(R) Xeon(R) Processor | 4000 | 96.20 | 97.00 | 96.10 +- 0.14 (2 points) | 96.00 to 96.20 | 2 | 35100 |",
        "| *bigan_mnist-200ep, mean of 2 seeds* |  |  | 4000 | 95.90 +- 0.42 | 97.00 +- 0.00 | 95.70 +- 0.57 |  |  |  |"]
