"""The benchmarks are data plus one renderer (benchmarks/report.py): every committed table is what the
renderer makes of the committed records, the README's copies of its rows are the rendered ones, no
benchmark script writes Markdown tables or README.md, and the renderer's helpers give the closed-form
answers. No TensorFlow is needed."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

from benchmarks import report

ROOT = pathlib.Path(__file__).resolve().parent.parent
RENDERED = [bench for bench in report.BENCHES if pathlib.Path(report.path(bench)).exists()]
SCRIPTS = sorted(p for p in (ROOT / "benchmarks").glob("*.py") if p.name not in ("report.py", "__init__.py"))


@pytest.mark.parametrize("bench", RENDERED)
def test_each_committed_table_is_its_records_rendered(bench):
    committed = pathlib.Path(report.output(bench)).read_text()
    assert report.page(bench) == committed, (
        f"{report.output(bench)} is not what benchmarks/results/{bench}.jsonl renders to (a hand edit, or a stale "
        f"table): run `python -m benchmarks.report {bench}`")


def test_the_migrated_tables_are_all_there():
    assert {"results", "toy_modes", "settings", "scaling", "serving", "web", "eval_speed", "throughput_families",
            "tempered", "versus_pytorch", "versus_pytorch_amx", "lens_weighting"} <= set(RENDERED)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_benchmark_script_writes_no_markdown_table_and_no_readme(script):
    source = script.read_text()
    assert not re.search(r"\|\s*:?-{3,}:?\s*\|", source), f"{script.name} builds a Markdown table: use benchmarks.report"
    assert "README" not in source, f"{script.name} mentions README: the README keeps its own words"


def test_readme_has_no_generated_sections():
    assert not re.search(r"<!-- \w+:(BEGIN|END) -->", (ROOT / "README.md").read_text())


def _tables(text):
    """The Markdown tables of `text`, each a list of its lines."""
    tables, rows = [], []
    for line in text.split("\n") + [""]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            tables, rows = tables + [rows], []
    return tables


def test_the_readmes_copies_of_rendered_rows_are_the_renderers():
    """A README table that shows rows of a rendered page (benchmarks/results/*.md) shows all its rows
    as that page has them, in the page's order (its own header may differ): a table re-rendered from
    new records and not copied to the README again fails here."""
    pages = {report.output(b): [r for t in _tables(pathlib.Path(report.output(b)).read_text()) for r in t[2:]]
             for b in RENDERED}
    copies = 0
    for table in _tables((ROOT / "README.md").read_text()):
        rows = table[2:]
        page, shown = max(((p, sum(r in page_rows for r in rows)) for p, page_rows in pages.items()),
                          key=lambda item: item[1])
        if not shown:
            continue  # the README's own table
        copies += 1
        missing = [r for r in rows if r not in pages[page]]
        assert not missing, f"README shows rows of {page} that it does not have (copy them again): {missing[:2]}"
        where = [pages[page].index(r) for r in rows]
        assert where == sorted(where), f"README shows rows of {page} in another order than the page"
    assert copies >= 5  # the toy section's four tables and the AMX table of versus_pytorch_amx


def test_md_table():
    assert report.md_table(["a", "b"], [[1, None], ["x", 2.5]]) == "| a | b |\n|---|---|\n| 1 |  |\n| x | 2.5 |"


def test_mean_and_standard_deviation():
    assert report.spread([1, 2, 3]) == "2.00 +- 1.00"  # sample sd: sqrt((1 + 0 + 1) / 2)
    assert report.spread([1, 3], ddof=0) == "2.00 +- 1.00"  # population sd: sqrt((1 + 1) / 2)
    assert report.spread([1, 3]) == "2.00 +- 1.41"  # sqrt(2)
    assert report.spread([None, 4.0], digits=1) == "4.0"  # one value: no spread
    assert report.spread([None]) == "n/a"
    assert report.pm(1.5, 0.26, 1) == "1.5 +- 0.3" and report.pm(None, 1.0) == "n/a"
    assert report.ratio(3, 2) == "1.50x" and report.ratio(1, 3, 1) == "0.3x"


def test_append_stamps_the_machine_and_date_and_the_newest_record_counts(tmp_path, monkeypatch):
    from train import cpu

    monkeypatch.setattr(report, "DIR", str(tmp_path))
    report.append("x", [{"setting": "a", "v": 1}, {"setting": "b", "v": 2, "cpu": "elsewhere", "date": "2000-01-01"}])
    report.append("x", [{"setting": "a", "v": 3}])
    first, second, third = report.read("x")
    assert first["cpu"] == cpu.describe() and re.fullmatch(r"\d{4}-\d\d-\d\d", first["date"])
    assert (second["cpu"], second["date"]) == ("elsewhere", "2000-01-01")
    assert [r["v"] for r in report.latest(report.read("x"), ("setting",))] == [3, 2]
    assert json.loads((tmp_path / "x.jsonl").read_text().splitlines()[2])["v"] == 3


def test_append_leaves_out_a_record_that_repeats_the_newest_of_its_measurement(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DIR", str(tmp_path))
    monkeypatch.setitem(report.BENCHES, "x", ("X", ("k",), lambda records: ""))
    report.append("x", [{"k": 1, "v": [1, 2], "cpu": "A", "date": "2000-01-01"}, {"k": 2, "v": 1, "cpu": "A"}])
    report.append("x", [{"k": 1, "v": (1, 2), "cpu": "A"}])  # the same measurement on another day: left out
    assert len(report.read("x")) == 2
    report.append("x", [{"k": 1, "v": [1, 3], "cpu": "A"}, {"k": 2, "v": 1, "cpu": "B"}, {"k": 1, "v": [1, 2], "cpu": "A"}])
    assert [(r["k"], r["v"], r["cpu"]) for r in report.read("x")][2:] == [(1, [1, 3], "A"), (2, 1, "B"), (1, [1, 2], "A")]
    report.append("x", [{"k": 2, "v": 1, "cpu": "B"}, {"k": 2, "v": 1, "cpu": "A"}, {"k": 2, "v": 1, "cpu": "A"}])
    assert [r["cpu"] for r in report.read("x")][5:] == ["A"]  # each compared with the newest, the ones before it included


def test_one_machine_line_per_cpu_and_the_records_without_one_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DIR", str(tmp_path))
    monkeypatch.setitem(report.BENCHES, "x", ("X", ("k",), lambda records: f"{len(records)} rows"))
    records = [{"k": 1, "cpu": "A"}, {"k": 2}, {"k": 3, "cpu": "A"}, {"k": 4, "cpu": "B"}, {"k": 2, "v": "newer"}, {"k": 5}]
    (tmp_path / "x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert report.page("x") == (
        "# X\n\nMachine: A.\nMachine: not recorded for 2 records (written before records named their CPU)."
        "\nMachine: B.\n\n5 rows\n")


def test_rendering_imports_no_tensorflow():
    code = ("import sys; from benchmarks import report; [report.page(b) for b in sys.argv[1:]]; "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')], 'TensorFlow'")
    done = subprocess.run([sys.executable, "-c", code, *RENDERED], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_tables_without_committed_records_on_closed_forms():
    assert report.pretrained([dict(name="m", size=1000, changes={"g": [1e-3, 1e-4, 0.5]}),
                              dict(name="n", size=2500, changes={"g": [1, 2, 3]})]).endswith("| total | 3,500 |  |  |")


def test_the_lens_effect_is_welchs_t_and_the_paired_test_only_over_the_same_seeds():
    lens, plain = [19.51, 17.79, 19.69], [14.83, 18.11, 17.39]
    # Welch's t by hand: the difference of the means over sqrt(s1^2 / n1 + s2^2 / n2)
    var = [sum((v - sum(x) / 3) ** 2 for v in x) / 2 for x in (lens, plain)]
    t = (sum(lens) / 3 - sum(plain) / 3) / (var[0] / 3 + var[1] / 3) ** 0.5
    records = [dict(recipe="nsgan", lens=True, seeds=[0, 1, 2], fids=lens),
               dict(recipe="nsgan", lens=False, seeds=[0, 1, 2], fids=plain),
               dict(recipe="wgangp", lens=False, seeds=[0], fids=[7.9]),  # one seed: no test
               dict(recipe="wgangp", lens=True, seeds=[0], fids=[8.5])]
    [line] = report.lens_effects(records)
    assert line == (f"nsgan: the lens changes the mean fid10k_test by +2.2 (3 seeds against 3; Welch's t {t:.2f}, "
                    "p = 0.14; paired by seed, p = 0.26).")
    assert f"{t:.2f}" == "1.91"
    # the curves, seed by seed: below at 500 in every seed, above at 1,000 in every seed, mixed at 1,500,
    # level in one seed at 2,000 (neither)
    records[0].update(curve_metric="fid2k", curve=[[500, 0], [1000, 0], [1500, 0], [2000, 0]],
                      seed_curves=[[10, 30, 20, 25], [11, 31, 19, 26], [12, 32, 21, 27]])
    records[1].update(seed_curves=[[20, 20, 20, 20], [21, 21, 21, 21], [22, 22, 20, 27]])
    assert report.lens_effects(records) == [line + " Its fid2k curve is below its plain seed's in every seed at 500 "
                                            "updates; above in every seed at 1,000 updates."]
    records[1]["seed_curves"][0][0] = 5  # seed 0's lens run no longer below at 500: no point below in every seed
    assert report.lens_effects(records) == [line + " Its fid2k curve is below its plain seed's in every seed at no "
                                            "point; above in every seed at 1,000 updates."]
    records[1]["seeds"] = [0, 1, 3]  # other seeds: no pairing
    assert report.lens_effects(records) == [line.replace("; paired by seed, p = 0.26", "")]


def test_a_run_trained_in_parts_sums_the_parts_of_its_newest_start_only():
    def rec(config, seconds, resumed_from, kind="train"):
        return dict(kind=kind, config=config, seconds=seconds, resumed_from=resumed_from)

    rs = [rec("a", 100.0, 0), rec("a", 50.0, 0), rec("a", 30.0, 500), rec("a", 9.0, 0, kind="eval"),
          rec("b", 20.0, 78000), rec("b", 5.0, 80000)]
    trained = report.trained_runs(rs)
    assert (trained["a"]["seconds"], trained["a"]["resumed_from"]) == (80.0, 0)  # the restart, then its resumption
    assert (trained["b"]["seconds"], trained["b"]["resumed_from"]) == (25.0, 78000)  # begun from a copy at 78,000


def test_a_bench_without_records_renders_one_sentence_in_each_tables_place(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DIR", str(tmp_path))
    (tmp_path / "scaling.jsonl").write_text("")
    assert report.page("scaling") == f"# {report.BENCHES['scaling'][0]}\n\n{report.NO_RECORDS}\n"
    (tmp_path / "results.jsonl").write_text("")
    (tmp_path / "results.template.md").write_text("A\n{{table:mnist}}\nB\n{{table:fgan}}\n")
    assert report.page("results") == f"A\n{report.NO_RECORDS}\nB\n{report.NO_RECORDS}\n"


def test_an_interrupted_lens_weighting_run_renders_the_variant_it_finished():
    rs = [dict(variant="mean", update=n, **{"lambda": 1.0 - n / 100}, rms=0.01 * n, d_loss=1.3, steps=100, k=50, seed=0)
          for n in (25, 50)]
    rows = report.lens_weighting(rs).splitlines()[-2:]
    assert rows == ["| 25 | 0.750 | 0.2500 | 1.300 |  |  |", "| 50 | 0.500 | 0.5000 | 1.300 |  |  |"]


def test_a_run_evaluated_without_a_train_record_is_named_not_tabled():
    from benchmarks import budgets

    name = next(n for n in budgets.BUDGETS if n.endswith("_mnist") and n.startswith("mmgan"))
    tables = report.results([dict(kind="eval", config=name, step=1, seconds=1.0, metrics={})])
    assert tables["mnist"].endswith(f"Not in the tables (evaluated, but trained before these records began): {name}.")
    assert tables["fgan"].count("\n") == 1  # the header only: no nsgan_mnist row without its record


def test_the_web_tables_baseline_is_the_python_record_of_the_batch_whatever_the_order():
    common = dict(chromium="1", onnxruntime_web="1", onnxruntime="1", seconds=5, cores=2, batch=64)
    rs = [dict(common, where="Chromium: onnxruntime-web", samples_per_second=50.0, ms_per_call=2.0),
          dict(common, where="Python: onnxruntime", samples_per_second=100.0, ms_per_call=1.0)]
    assert report.web(rs).splitlines()[-2:] == ["| Chromium: onnxruntime-web | 64 | 50 | 2.00 | 0.50x |",
                                                "| Python: onnxruntime | 64 | 100 | 1.00 | 1.00x |"]


def test_a_bench_without_records_is_refused_before_any_page_is_written(tmp_path, monkeypatch):
    from zoo_core.errors import UserError

    monkeypatch.setattr(report, "DIR", str(tmp_path))
    (tmp_path / "scaling.jsonl").write_text("")
    with pytest.raises(UserError, match=r"^no records for serving \(.*serving.jsonl\): run the benchmark first$"):
        report.main(["scaling", "serving"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scaling.jsonl"]  # scaling.md not written either


def test_each_mixtures_curve_has_the_columns_of_its_own_runs():
    """A run taken further on one mixture adds a column to that mixture's curve only (the README
    copies both curves, and a column of empty cells on the other would change its rows)."""
    def record(mixture, updates):
        return dict(run="nsgan", mixture=mixture, seed=0, updates=updates, seconds=1.0, modes2500=1,
                    high_quality2500=0.5, reverse_kl2500=0.1)

    text = report.toy([record("ring", 2500), record("grid", 2500), record("grid", 5000)])
    ring, grid = [t[0] for t in _tables(text)][1::2]
    assert ring == "| run | 2,500 |"
    assert grid == "| run | 2,500 | 5,000 |"
