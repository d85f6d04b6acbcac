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
