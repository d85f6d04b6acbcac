"""benchmarks.tempered picks the runs of its sweep as its flags say (no training here: results.train is
replaced by a recorder)."""
import pytest
from absl import flags

from benchmarks import results, tempered

PLAIN = ["nsgan_mnist-10000s-k1000-e500-seed0", "nsgan_mnist-10000s-k1000-e500-seed1"]
LENS = ["tempered_mnist:nsgan-10000s-k1000-e500-seed0", "tempered_mnist:nsgan-10000s-k1000-e500-seed1"]


@pytest.mark.parametrize("lens, expected", [("both", PLAIN + LENS), ("no", PLAIN), ("yes", LENS)])
def test_the_lens_flag_trains_the_variants_it_names(monkeypatch, tmp_path, lens, expected):
    trained = []
    monkeypatch.setattr(results, "train", lambda name, config: trained.append((name, config)))
    flags.FLAGS(["tempered", "--recipes=nsgan", "--seeds=0,1", f"--lens={lens}", "--phase=train", f"--runs={tmp_path}"])
    try:
        tempered.main([])
    finally:
        flags.FLAGS.unparse_flags()
    assert [name for name, _ in trained] == expected
    for name, config in trained:  # each run's config is its variant's, at the sweep's budget
        assert ("lens" in config.nets) == name.startswith("tempered") and config.steps == 10_000
        assert config.model.get("lens_k", 1_000) == 1_000 and config.seed == int(name[-1])


@pytest.mark.parametrize("flag", ["--recipes=nope", "--seeds=x"])
def test_an_unknown_recipe_or_seed_is_one_sentence_before_any_run(monkeypatch, tmp_path, flag):
    from zoo.errors import UserError

    trained = []
    monkeypatch.setattr(results, "train", lambda name, config: trained.append(name))
    flags.FLAGS(["tempered", "--recipes=nsgan", "--seeds=0", flag, "--phase=train", f"--runs={tmp_path}"])
    try:
        with pytest.raises(UserError, match="--recipes takes base recipes .* and --seeds integers >= 0"):
            tempered.main([])
    finally:
        flags.FLAGS.unparse_flags()
    assert trained == []


def test_a_run_whose_directory_is_gone_comes_back_from_its_newest_record(monkeypatch):
    """Run directories do not outlive the machine: the table takes a missing run's row from the newest
    record of this budget holding its seed alone (the lens RMS is kept per run only there), else from
    the newest group's record holding it (fid and curve, no RMS)."""
    from benchmarks import report

    curve = [[s, 100.0 / s] for s in range(500, 10_001, 500)]
    records = {"tempered": [
        dict(recipe="nsgan", lens=True, fids=[1.0, 2.0], curve=curve, steps=10_000, k=1_000),  # before records named seeds
        dict(recipe="nsgan", lens=True, seeds=[0], fids=[5.0], curve=curve, seed_curves=[[v for _, v in curve]],
             steps=10_000, k=1_000, precision="mixed_bfloat16", rms=[0.3, 0.01]),
        dict(recipe="nsgan", lens=True, seeds=[0, 2], fids=[6.0, 7.0], curve=curve, steps=10_000, k=1_000,
             seed_curves=[[1.0] * 20, [2.0] * 20], precision="mixed_bfloat16", rms=[0.2, 0.02]),
        dict(recipe="nsgan", lens=True, seeds=[1], fids=[9.0], curve=curve[:10], seed_curves=[[1.0] * 10],
             steps=5_000, k=1_000, precision="float32", rms=[0.1, 0.01])]}
    monkeypatch.setattr(report, "read", lambda bench: records[bench])
    flags.FLAGS(["tempered", "--recipes=nsgan", "--seeds=0,1,2"])
    try:  # a run trained in two parts: its time is their sum
        records["results"] = [dict(kind="train", config=tempered.run_name("nsgan", True, 2), seconds=s, resumed_from=r)
                              for s, r in ((10.0, 0), (5.0, 4_000))]
        by_itself, in_group = tempered.recorded("nsgan", True, "0"), tempered.recorded("nsgan", True, "2")
        other_budget = tempered.recorded("nsgan", True, "1")
        records["tempered"].append(dict(records["tempered"][1], fids=[4.0]))
        newest = tempered.recorded("nsgan", True, "0")
    finally:
        flags.FLAGS.unparse_flags()
    assert by_itself["fid"] == 5.0 and by_itself["curve"][0] == (500, 0.2)  # not the newer group record's 6.0
    assert by_itself["rec_at_k"] == pytest.approx(0.09) and by_itself["rec_end"] == pytest.approx(1e-4)
    assert by_itself["seconds"] is None and by_itself["recorded"]
    assert in_group["fid"] == 7.0 and in_group["curve"][-1] == (10_000, 2.0) and in_group["rec_end"] is None
    assert in_group["seconds"] == 15.0
    assert other_budget is None  # a record of another budget is no row of this one
    assert newest["fid"] == 4.0


def test_the_tempered_sweep_counts_a_restarted_runs_newest_start_only(monkeypatch):
    rs = [dict(kind="train", config="a", seconds=s, resumed_from=r) for s, r in ((100.0, 0), (50.0, 0), (30.0, 500))]
    monkeypatch.setattr(tempered.report, "read", lambda bench: rs if bench == "results" else [])
    assert (tempered.train_seconds("a"), tempered.train_seconds("b")) == (80.0, None)
