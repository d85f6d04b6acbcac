"""The benchmarks' records and their one renderer (no TensorFlow here). Re-render every table, or the
named ones, from benchmarks/results/BENCH.jsonl without measuring anything:

    python -m benchmarks.report [BENCH ...]

A bench with a template, benchmarks/results/BENCH.template.md, is rendered from it instead: the text
is copied verbatim, `{{machines}}` and `{{table:NAME}}` replaced by the machine lines and the table
NAME of the dict its function returns; the one such bench is `results`, whose page is
benchmarks/RESULTS.md. What a table means is said in README.md, next to its link; published
numbers are the dicts below.
"""
import collections
import json
import os
import re
import statistics
import sys
import time

from zoo_core.errors import UserError, exit_on_user_error

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
OUT = {"results": os.path.join(os.path.dirname(DIR), "RESULTS.md")}
UNKNOWN_CPU = "not recorded"
NO_RECORDS = "No records yet."
# the machine of records written before records named it, as their tables said
EPYC = "AMD EPYC: AVX2, AVX-512, AVX-512 BF16 (no AMX)"
XEON = "Intel(R) Xeon(R) Processor: AVX2, AVX-512, AVX-512 BF16, AMX"
LEGACY_CPU = {"toy_modes": EPYC, "settings": EPYC, "toy_precision": XEON}

# published numbers (../shared/REFERENCES.md)
PACGAN = {  # PacGAN Table 1, 10 trials at 400,000 updates: modes, % high quality, reverse KL
    "ring": [("GAN", "6.3 +- 0.5", "98.2", "0.45"), ("ALI", "6.6", "97.6", "0.36"),
             ("PacGAN2", "7.9 +- 0.1", "95.6", "0.07"), ("PacGAN4", "7.8", "95.9", "0.07")],
    "grid": [("GAN", "17.3 +- 0.8", "94.8", "0.70"), ("ALI", "24.1", "95.7", "0.14"),
             ("PacGAN3", "24.6", "94.2", "0.06"), ("PacGAN4", "24.8 +- 0.2", "93.6", "0.04")]}
MODES = {"ring": 8, "grid": 25}
PAPER_UPDATES = {"wgangp": 100_000}  # WGAN-GP's toy code; PacGAN's 400,000 for the rest
PACGAN_UPDATES = 400_000
TOY_ORDER = ("nsgan", "wgangp", "mmgan", "lsgan", "fgan")  # the toy tables' rows, then by packing
PUBLISHED_PARZEN = {"mmgan_mnist": "225 +- 2", "nsgan_mnist": "225 +- 2"}  # Goodfellow et al. 2014, Table 1
LUCIC_FID = {"mmgan_mnist": 9.8, "nsgan_mnist": 6.8, "lsgan_mnist": 7.8, "wgan_mnist": 6.7, "wgangp_mnist": 20.3}
PUBLISHED_TEMPERED = (  # Sajjadi et al. 2018, Fig. 5
    "Published (Sajjadi et al. 2018, Fig. 5): MNIST, DCGAN, 1M steps, K = 10^5: FID 42 without the lens, 22 with it. "
    "Not comparable in value: the budgets above, the zoo's recipes, and FID on the zoo's MNIST classifier features "
    "(the paper's on its own feature network); compare the direction of the effect.")
PUBLISHED_STACKED = "DCGAN 99 / 3.4 (VEEGAN); PacDCGAN2 1000 / 0.06"
PUBLISHED_ENCODER = {
    "bigan_mnist": "nn1_acc_val 95.92%, hidden 97.14% (official log, 200 epochs; 92.10% / 97.35% at 400, 95.41% / 96.28% "
                   "at 25, 91.50% / 96.84% before training)",
    "avb_mnist": "AIS 81.8 +- 0.4 nats (official code: 32-d z, adaptive contrast, far longer training)"}
# raw pixels as codes: zoo.metrics.suite.validation_nn1(lambda x: x, "mnist") and the test set's 1-NN
# against the 60,000 train images (measured 2026-11-25)
PIXELS_NN1 = dict(val=0.9727, test=0.9691)
ENGINES = {"zoo": "zoo (TensorFlow, fit)", "torch": "PyTorch eager", "torch.compile": "PyTorch, torch.compile"}


def path(bench, suffix=".jsonl"):
    return os.path.join(DIR, bench + suffix)


def append(bench, records):
    """Appends `records` (dicts) to BENCH.jsonl, each with this machine's `cpu` and today's `date`
    unless it has them. A record equal in all but its date to the newest one of its measurement (the
    same values of the bench's keys) is left out: rendering a table again adds no line."""
    from train import cpu

    stamp = dict(cpu=cpu.describe(), date=time.strftime("%Y-%m-%d"))
    keys = BENCHES[bench][1] if bench in BENCHES else ()
    newest = {tuple(r.get(k) for k in keys): _undated(r) for r in read(bench)} if keys else {}
    fresh = []
    for record in (json.loads(json.dumps({**stamp, **r})) for r in records):  # as read back: tuples become lists
        key = tuple(record.get(k) for k in keys)
        if not keys or newest.get(key) != _undated(record):
            fresh.append(record)
            newest[key] = _undated(record)
    os.makedirs(DIR, exist_ok=True)
    with open(path(bench), "a") as f:
        f.writelines(json.dumps(r) + "\n" for r in fresh)


def _undated(record):
    return {k: v for k, v in record.items() if k != "date"}


def read(bench):
    """The records of BENCH.jsonl, oldest first ([] if there is none)."""
    if not os.path.exists(path(bench)):
        return []
    with open(path(bench)) as f:
        return [json.loads(line) for line in f if line.strip()]


def latest(records, keys):
    """The newest record of each measurement (the same values of `keys`), in order of first appearance."""
    out = {}
    for r in records:
        out[tuple(r.get(k) for k in keys)] = r
    return list(out.values())


def output(bench):
    """The file BENCH's page is written to."""
    return OUT.get(bench, path(bench, ".md"))


def render(bench):
    """Writes BENCH's page from BENCH.jsonl and returns it."""
    text = page(bench)
    with open(output(bench), "w") as f:
        f.write(text)
    return text


def page(bench):
    """BENCH's page, from BENCH.jsonl."""
    title, keys, tables = BENCHES[bench]
    records = latest(read(bench), keys)
    cpus = [r.get("cpu") or LEGACY_CPU.get(bench, UNKNOWN_CPU) for r in records]
    machines = "\n".join(f"Machine: {c}." if c != UNKNOWN_CPU else
                          f"Machine: {c} for {cpus.count(c)} records (written before records named their CPU)."
                          for c in dict.fromkeys(cpus))
    template = os.path.exists(path(bench, ".template.md"))
    if records:
        tables = tables(records)
    else:  # each renderer takes the records it draws: none, one sentence in every table's place
        tables = collections.defaultdict(lambda: NO_RECORDS) if template else NO_RECORDS
    if template:
        with open(path(bench, ".template.md")) as f:
            return re.sub(r"\{\{(machines|table:(\w+))\}\}", lambda m: tables[m[2]] if m[2] else machines, f.read())
    return f"# {title}\n\n" + (f"{machines}\n\n" if machines else "") + f"{tables}\n"


# helpers of the tables


def md_table(header, rows):
    """A Markdown table: the header, the rule, one line per row (None and "" are empty cells)."""
    def line(cells):
        return "| " + " | ".join("" if c is None else str(c) for c in cells) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, rows)])


def pm(value, err, digits=2):
    """'value +- err' ("n/a" without a value)."""
    return "n/a" if value is None else f"{value:.{digits}f} +- {err:.{digits}f}"


def spread(values, digits=2, ddof=1):
    """Mean +- standard deviation of `values` (ddof 1: the sample's, 0: the population's); the value
    itself when there is one; "n/a" when there is none (None values are left out)."""
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return f"{values[0]:.{digits}f}" if values else "n/a"
    sd = statistics.stdev(values) if ddof else statistics.pstdev(values)
    return pm(statistics.mean(values), sd, digits)


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}x"


def distinct(records, key, fmt="{}"):
    """The distinct values of `key` among `records`, formatted (`fmt`: a format string or a function),
    in order of appearance."""
    fmt = fmt if callable(fmt) else fmt.format
    return ", ".join(dict.fromkeys(fmt(r[key]) for r in records if r.get(key) is not None))


def giga(value):
    return f"{value / 1e9:.1f}"


# the tables, one function per benchmark


def scaling(rs):
    one = next(r["updates_per_second"] for r in rs if r["setting"] == "1 device")
    return (f"{distinct(rs, 'config')}, global batch {distinct(rs, 'batch')}, {distinct(rs, 'steps')} timed updates "
            f"after {distinct(rs, 'warmup')} warm-up, {distinct(rs, 'cores')} CPU cores.\n\n"
            + md_table(["setting", "generator updates / s", "vs 1 device"],
                       [[r["setting"], f"{r['updates_per_second']:.2f}", ratio(r["updates_per_second"], one)] for r in rs]))


def serving(rs):
    def ort(r):
        return next(o["median"] for o in rs if (o["task"], o["batch"], o["backend"]) == (r["task"], r["batch"], "onnxruntime"))

    return (f"TensorFlow {distinct(rs, 'tensorflow')}, onnxruntime {distinct(rs, 'onnxruntime')}, "
            f"{distinct(rs, 'cores')} CPU cores.\n\n"
            + md_table(["task", "batch", "backend", "median (ms)", "p99 (ms)", "throughput (examples/s)", "vs onnxruntime"],
                       [[f"{r['task']} ({r['config']})", r["batch"], r["backend"], f"{r['median']:.3f}", f"{r['p99']:.3f}",
                         f"{r['throughput']:,.0f}", ratio(r["median"], ort(r), 1)] for r in rs]))


def web(rs):
    def python(r):
        return next(p["samples_per_second"] for p in rs if p["batch"] == r["batch"] and p["where"].startswith("Python"))

    return (f"Chromium {distinct(rs, 'chromium')}, onnxruntime-web {distinct(rs, 'onnxruntime_web')}, Python onnxruntime "
            f"{distinct(rs, 'onnxruntime')}; {distinct(rs, 'seconds')} s per cell, {distinct(rs, 'cores')} CPU cores.\n\n"
            + md_table(["where", "batch", "samples/s", "ms per call", "vs Python"],
                       [[r["where"], r["batch"], f"{r['samples_per_second']:,.0f}", f"{r['ms_per_call']:.2f}",
                         ratio(r["samples_per_second"], python(r))] for r in rs]))


def eval_speed(rs):
    return (f"{distinct(rs, 'cores')} CPU cores.\n\n"
            + md_table(["metric", "cold (s)", "warm (s)"], [[r["metric"], f"{r['cold']:.1f}", f"{r['warm']:.1f}"] for r in rs]))


def throughput(rs):
    rows = []
    for r in rs:
        achieved = r["flops"] * r["fit"]
        rows.append([r["config"], r["model"], r["batch"], r["block"], r["threads"] or "all", "on" if r["jit"] else "off",
                     f"{r['fit']:.1f}", f"{r['bare']:.1f}", f"{r['ratio']:.3f}", f"{r['examples']:.0f}",
                     f"{r['flops'] / 1e9:.3f}", f"{achieved / 1e9:.1f}", f"{100 * achieved / r['peak']:.1f}%"])
    return (f"{distinct(rs, 'seconds')} s per timed repeat, {distinct(rs, 'repeats')} repeats, {distinct(rs, 'cores')} "
            f"CPU cores; float32 2048x2048 matmul peak of the run: {distinct(rs, 'peak', giga)} GFLOP/s.\n\n"
            + md_table(["config", "model", "global batch", "steps_per_execution", "intra_op_threads", "XLA",
                        "fit updates/s", "bare loop updates/s", "fit / bare", "real examples/s (fit)", "GFLOP / step",
                        "achieved GFLOP/s (fit)", "% of matmul peak"], rows))


def settings(rs):
    import configs  # the configs' current defaults are bold (no TensorFlow)

    variants = list(dict.fromkeys(r["variant"] for r in rs))
    rates, blocks = {}, {r["config"]: r["block"] for r in rs if r["variant"] == "spe=N"}
    for r in rs:
        rates.setdefault(r["config"], {}).setdefault(r["variant"], []).extend(r["fit_all"])
    rows = []
    for name, by in rates.items():
        config = configs.load(name)
        threads = config.get("intra_op_threads", 0)
        # the variant that is the config's defaults (none is measured with 2 or more threads per op)
        chosen = threads in (0, 1) and (("spe=1" if config.steps_per_execution == 1 else "spe=N")
                                        + ", 1 thr" * threads + ", XLA" * config.jit_compile)
        median = {v: statistics.median(x) for v, x in by.items()}
        cells = [f"{median[v]:.1f} ({min(by[v]):.1f}-{max(by[v]):.1f})" if v in by else "" for v in variants]
        cells = [f"**{c}**" if v == chosen and c else c for v, c in zip(variants, cells)]
        same = "spe=1, 1 thr" if threads == 1 else "spe=1"
        rows.append([name, blocks.get(name, ""), *cells,
                     *(ratio(median[chosen], median[b]) if chosen in median and b in median else "" for b in ("spe=1", same))])
    return (f"{max(r['round'] for r in rs) + 1} rounds, {distinct(rs, 'seconds', '{:g}')} s per timed epoch, "
            f"{distinct(rs, 'repeats')} timed epochs per measurement.\n\n"
            + md_table(["config", "N", *variants, "defaults / spe=1", "defaults / (spe=1, same threads)"], rows))


def versus_pytorch(rs):
    flops = next(r["flops"] for r in rs if r.get("flops"))  # counted on the zoo's graph: in the zoo's records
    rows = []
    for precision in dict.fromkeys(r["precision"] for r in rs):
        stats = {}
        for engine in ENGINES:
            mine = [r for r in rs if (r["precision"], r["engine"]) == (precision, engine)]
            good = [r for r in mine if "error" not in r]
            rates = [x for r in good for x in r["all"]]
            if rates:
                stats[engine] = (statistics.median(rates), min(rates), max(rates), statistics.median(r["peak"] for r in good))
            elif mine:
                stats[engine] = mine[0]["error"]
        peak = max(s[3] for s in stats.values() if isinstance(s, tuple))
        for engine, s in stats.items():
            if isinstance(s, str):
                rows.append([precision, ENGINES[engine], f"did not run: {s}", "", "", ""])
                continue
            rate, lo, hi, own_peak = s
            rows.append([precision, ENGINES[engine], f"{rate:.2f} ({lo:.2f}-{hi:.2f})", ratio(stats["zoo"][0], rate),
                         f"{own_peak / 1e9:.0f}", f"{100 * flops * rate / peak:.1f}% of {peak / 1e9:.0f}"])
    return (f"configs/nsgan_mnist.py, batch 64, {flops / 1e9:.2f} GFLOP per update; bfloat16 in TensorFlow: "
            f"{distinct(rs, 'bfloat16')}; {distinct(rs, 'rounds')} rounds, {distinct(rs, 'seconds')} s per "
            f"timed repeat, {distinct(rs, 'repeats')} repeats.\n\n"
            + md_table(["precision", "engine", "updates/s, median (range)", "zoo / this",
                        "matmul peak, this engine (GFLOP/s)", "% of the machine's matmul peak"], rows))


def lens_weighting(rs):
    by = {(r["variant"], r["update"]): r for r in rs}

    def cell(variant, n, key, digits):  # empty where an interrupted run has no record
        return f"{by[variant, n][key]:.{digits}f}" if (variant, n) in by else ""

    lam = {r["update"]: r["lambda"] for r in rs}  # the schedule's, the same in both variants
    rows = [[n, f"{lam[n]:.3f}", cell("mean", n, "rms", 4), cell("mean", n, "d_loss", 3),
             cell("summed", n, "rms", 4), cell("summed", n, "d_loss", 3)] for n in sorted(lam)]
    return (f"tempered_mnist, {distinct(rs, 'steps')} updates, K = {distinct(rs, 'k')}, seed {distinct(rs, 'seed')}.\n\n"
            + md_table(["update", "lambda", "L_rec mean over pixels: RMS", "d_loss", "L_rec summed over pixels: RMS",
                        "d_loss"], rows))


def tempered(rs):
    """One table per budget (steps, K): each recipe with and without the lens over its seeds, and the
    mean FID curve (all of its n points up to 10, every (n // 10)-th beyond; every record of a budget
    has its first record's curve points)."""
    parts = []
    for budget in dict.fromkeys((r["steps"], r["k"]) for r in rs):
        group = [r for r in rs if (r["steps"], r["k"]) == budget]
        curve = group[0]["curve"]
        shown = [i for i in range(len(curve)) if len(curve) <= 10 or (i + 1) % (len(curve) // 10) == 0]
        rows = [[r["recipe"], "yes" if r["lens"] else "no", spread(r["fids"], 1), ", ".join(f"{v:.1f}" for v in r["fids"]),
                 *(f"{r['curve'][i][1]:.1f}" for i in shown), " / ".join(f"{v:.3f}" for v in r.get("rms") or []),
                 "n/a" if r.get("seconds") is None else f"{r['seconds']:.0f}"] for r in group]
        precision = distinct(group, "precision")
        parts.append(f"{budget[0]} generator updates at batch 64, lens annealed over K = {budget[1]}"
                     + (f", {precision}" if precision else "") + ".\n\n"
                     + md_table(["recipe", "lens", "fid10k_test", "per seed",
                                 *(f"{group[0]['curve_metric']} @ {curve[i][0]}" for i in shown),
                                 "lens RMS at K / end", "train time (s, mean)"], rows)
                     + "".join(f"\n\n{line}" for line in lens_effects(group)))
    return "\n\n".join(parts + [PUBLISHED_TEMPERED])


def lens_effects(group):
    """One sentence per recipe run with and without the lens over 2 or more seeds each: the change of
    the mean fid10k_test, Welch's t-test and, where both variants ran the same seeds, the test paired
    by seed and the curve points at which every lens seed is below (or every one above) its plain seed."""
    from scipy import stats

    lines = []
    for recipe in dict.fromkeys(r["recipe"] for r in group):
        by = {r["lens"]: r for r in group if r["recipe"] == recipe}
        if len(by) < 2 or min(len(r["fids"]) for r in by.values()) < 2:
            continue
        lens, plain = by[True]["fids"], by[False]["fids"]
        welch = stats.ttest_ind(lens, plain, equal_var=False)
        line = (f"{recipe}: the lens changes the mean fid10k_test by {statistics.mean(lens) - statistics.mean(plain):+.1f} "
                f"({len(lens)} seeds against {len(plain)}; Welch's t {welch.statistic:.2f}, p = {welch.pvalue:.2f}")
        if not (by[True].get("seeds") and by[True]["seeds"] == by[False].get("seeds")):
            lines.append(line + ").")
            continue
        line += f"; paired by seed, p = {stats.ttest_rel(lens, plain).pvalue:.2f})."
        if by[True].get("seed_curves") and by[False].get("seed_curves"):
            pairs = list(zip(by[True]["seed_curves"], by[False]["seed_curves"]))
            steps = [step for step, _ in by[True]["curve"]]

            def where(sign):  # the updates at which every lens seed's FID minus its plain seed's has this sign
                points = [f"{s:,}" for i, s in enumerate(steps) if all((lc[i] - pc[i]) * sign > 0 for lc, pc in pairs)]
                return f"at {', '.join(points)} updates" if points else "at no point"

            line += (f" Its {by[True]['curve_metric']} curve is below its plain seed's in every seed {where(-1)}; "
                     f"above in every seed {where(1)}.")
        lines.append(line)
    return lines


def pretrained(rs):
    def changes(r, i):
        return ", ".join(f"{n} {c[i]:.2g}" for n, c in r["changes"].items())

    rows = [[r["name"], f"{r['size']:,}", changes(r, 0), changes(r, 1)] for r in rs]
    return md_table(["model", "size (bytes)", "largest output change", "mean output change"],
                    rows + [["total", f"{sum(r['size'] for r in rs):,}", "", ""]])


def _toy_run(run):
    """'fgan:kl+pac4@bf16' -> ('fgan', 4)."""
    spec, _, pac = run.partition("@")[0].partition("+pac")
    return spec.partition(":")[0], int(pac or 1)


def toy_runs(records):
    """The runs of `records` in the toy tables' order (toy_montage orders its pictures by it too)."""
    def key(run):
        recipe, pac = _toy_run(run)
        return TOY_ORDER.index(recipe) if recipe in TOY_ORDER else len(TOY_ORDER), pac, "@" in run

    return sorted(dict.fromkeys(r["run"] for r in records), key=key)


def toy_picture(run, mixture):
    """The file name of a run's picture (no ':' in file names)."""
    return f"{run.replace(':', '-')}_{mixture}.png"


def toy_montage(bench, columns=5):
    """BENCH/MIXTURE.png per mixture, made by benchmarks.toy_modes after a sweep: the seed-0 picture
    (BENCH/RUN_MIXTURE.png) of every run of BENCH.jsonl that has one, in the tables' order, `columns`
    to a row, each under its run's name. Made from all the pictures, so a sweep of some runs keeps
    the others' in it."""
    from PIL import Image, ImageDraw, ImageFont

    folder, font, records = path(bench, ""), ImageFont.load_default(size=22), read(bench)
    for mixture in MODES:
        runs = [run for run in toy_runs(r for r in records if r["mixture"] == mixture)
                if os.path.exists(os.path.join(folder, toy_picture(run, mixture)))]
        if not runs:
            continue
        images = [Image.open(os.path.join(folder, toy_picture(run, mixture))).convert("RGB") for run in runs]
        width, height, label = max(i.width for i in images), max(i.height for i in images), 32
        rows = -(-len(images) // columns)
        out = Image.new("RGB", (width * min(columns, len(images)), (height + label) * rows), "white")
        draw = ImageDraw.Draw(out)
        for k, (run, image) in enumerate(zip(runs, images)):
            x, y = width * (k % columns), (height + label) * (k // columns)
            draw.text((x + width // 2, y + label // 2), run, fill="black", font=font, anchor="mm")
            out.paste(image, (x, y + label))
        out.save(os.path.join(folder, f"{mixture}.png"))


def toy(rs):
    """Per mixture: each run at the last update all its seeds reached, PacGAN's Table 1 beside it, and
    the curve of modes (high quality %) against updates, mean over seeds ([n seeds]: fewer than the run's)."""
    runs = toy_runs(rs)
    parts = []
    for mixture in [m for m in PACGAN if any(r["mixture"] == m for r in rs)]:
        here = [r for r in rs if r["mixture"] == mixture]
        updates = sorted({r["updates"] for r in here})  # this mixture's curve columns
        summary, curves = [], []
        for run in runs:
            mine = [r for r in here if r["run"] == run]
            if not mine:
                continue
            reached = {}
            for r in mine:
                reached[r["seed"]] = max(reached.get(r["seed"], 0), r["updates"])
            last = min(reached.values())
            rows = [r for r in mine if r["updates"] == last]
            paper = PAPER_UPDATES.get(_toy_run(run)[0], PACGAN_UPDATES)
            seconds = [r["seconds"] for r in rows]
            summary.append([run, len(rows), f"{last:,} ({100 * last / paper:.0f}%)",
                            spread([r["modes2500"] for r in rows], ddof=0),
                            spread([100 * r["high_quality2500"] for r in rows], ddof=0),
                            spread([r["reverse_kl2500"] for r in rows], ddof=0),
                            f"{sum(seconds) / len(seconds):.0f} / {max(seconds):.0f}"])
            cells = []
            for n in updates:
                at = [r for r in mine if r["updates"] == n]
                fewer = f" [{len(at)} seed{'s' * (len(at) > 1)}]" if at and len(at) < len(reached) else ""
                cells.append(f"{sum(r['modes2500'] for r in at) / len(at):.1f} "
                             f"({100 * sum(r['high_quality2500'] for r in at) / len(at):.0f}){fewer}" if at else "")
            curves.append([run, *cells])
        summary += [[f"{name} (PacGAN Table 1)", 10, f"{PACGAN_UPDATES:,} (100%)", modes, hq, kl, ""]
                    for name, modes, hq, kl in PACGAN[mixture]]
        parts += [f"## {mixture} ({MODES[mixture]} modes), 2,500 samples per run, at the last update",
                  md_table(["run", "seeds", "updates (% of the paper's)", "modes", "high quality (%)",
                            "reverse KL (runs with a high-quality sample)", "wall time (s), mean / max"], summary),
                  f"## {mixture}: modes (high quality %) against generator updates, mean over seeds",
                  md_table(["run", *(f"{n:,}" for n in updates)], curves)]
    return "\n\n".join(parts)


def trained_runs(rs):
    """{config: its train record} for the newest run of each config: a run trained in parts (resumed)
    is the first record of its newest start (from step 0, or the first record there is) with the
    parts' seconds summed."""
    trained = {}
    for r in (r for r in rs if r["kind"] == "train"):
        if r.get("resumed_from") and r["config"] in trained:
            trained[r["config"]]["seconds"] += r["seconds"]
        else:
            trained[r["config"]] = dict(r)
    return trained


def results(rs):
    """The results page's tables: {name: table} for results.template.md."""
    import configs  # the recipes' objectives (no TensorFlow)
    from benchmarks import budgets

    trained = trained_runs(rs)
    evaluated = {r["config"]: r for r in rs if r["kind"] == "eval"}
    runs = [n for n in budgets.BUDGETS if n in evaluated and n in trained]
    # evaluated without a train record: a workdir finished before these records began (its time unknown)
    untimed = [n for n in budgets.BUDGETS if n in evaluated and n not in trained]

    def run_cells(name, eval_time=True):
        t, source = trained[name], budgets.CONTINUES.get(name)
        if source and source in trained:  # its first steps are SOURCE's
            seconds = f"{trained[source]['seconds'] + t['seconds']:.0f} (the first {t['resumed_from']} steps: {source})"
        else:
            seconds = f"{t['seconds']:.0f}" + (f" (resumed at {t['resumed_from']})" if t.get("resumed_from") else "")
        return [f"{evaluated[name]['step']} ({t['batch_size']})",
                seconds + (f" / {evaluated[name]['seconds']:.0f}" if eval_time else "")]

    def mnist_cells(m, sigma=False):
        parzen = pm(m["parzen10k"], m["parzen10k_se"], 1) + (f" (sigma {m['parzen10k_sigma']:.3f})" if sigma else "")
        return [f"{m['fid10k_test']:.2f}", pm(m["kid10k_test"], m["kid10k_test_std"]), pm(m["cs10k"], m["cs10k_std"]), parzen]

    def cell(m, key, fmt="{:.2f}"):
        return fmt.format(m[key]) if key in m else ""

    def precision_run(name):
        parts = name.split("-")
        return len(parts) == 3 and parts[1] in budgets.PRECISIONS

    mnist = [n for n in runs if n.split("-")[0].endswith("_mnist") and not n.startswith("fgan") and "stacked" not in n
             and n not in budgets.ENCODER_BUDGETS and not precision_run(n)]
    base = lambda name: name.split("-")[0]  # noqa: E731
    tables = {"mnist": md_table(
        ["config", "objective", "steps (batch)", "train / eval time (s)", "fid10k_test", "kid10k_test", "cs10k",
         "parzen10k (nats)", "Parzen, Goodfellow 2014", "FID, Lucic 2018 (Inception; not comparable)"],
        [[n, configs.load(base(n)).model.objective.name, *run_cells(n), *mnist_cells(evaluated[n]["metrics"], True),
          PUBLISHED_PARZEN.get(base(n), ""), LUCIC_FID.get(base(n), "")] for n in mnist])
        + (f"\n\nNot in the tables (evaluated, but trained before these records began): {', '.join(untimed)}."
           if untimed else "")}
    tables["stacked"] = md_table(
        ["config", "steps (batch)", "train time (s)", "modes26k", "kl26k", "published"],
        [[n, *run_cells(n, False), evaluated[n]["metrics"]["modes26k"], f"{evaluated[n]['metrics']['kl26k']:.2f}",
          PUBLISHED_STACKED] for n in runs if "stacked" in n])
    groups = {}
    for name in filter(precision_run, runs):
        groups.setdefault(tuple(name.split("-")[:2]), []).append(name)
    rows = []
    for (config, precision), names in groups.items():
        metrics = [evaluated[n]["metrics"] for n in names]
        seconds = [trained[n]["seconds"] for n in names]
        rows.append([config, precision, len(names), spread([m["fid10k_test"] for m in metrics]),
                     ", ".join(f"{n.split('-s')[-1]}: {evaluated[n]['metrics']['fid10k_test']:.2f}" for n in names),
                     spread([m["kid10k_test"] for m in metrics]), spread([m["cs10k"] for m in metrics]),
                     f"{statistics.mean(seconds):.0f}"])
    tables["precision"] = md_table(["config", "precision", "n", "fid10k_test", "... by seed", "kid10k_test", "cs10k",
                                    "train time per run (s)"], rows)
    fgan = [n for n in runs if n.startswith("fgan_mnist-")]
    params = {n: budgets.BUDGETS[n].get("model.objective.divergence_param") for n in fgan}
    tables["fgan"] = md_table(
        ["divergence", "steps (batch)", "train / eval time (s)", "fid10k_test", "kid10k_test", "cs10k", "parzen10k (nats)"],
        [[n.split("-", 1)[1] + (f" ({params[n]:g})" if params[n] else ""), *run_cells(n),
          *mnist_cells(evaluated[n]["metrics"])] for n in fgan]
        + ([["*nsgan_mnist (same budget)*", "", "", *mnist_cells(evaluated["nsgan_mnist"]["metrics"])]]
           if "nsgan_mnist" in runs else []))
    rows = []
    for n in [n for n in runs if n in budgets.ENCODER_BUDGETS and base(n).endswith("_mnist")]:
        m = evaluated[n]["metrics"]
        rows.append([n, *run_cells(n), cell(m, "nn1_acc_val", "{:.2%}"), cell(m, "nn1_acc_val_hidden", "{:.2%}"),
                     f"{m['nn1_acc_test']:.2%}",
                     f"{m['probe_acc_test']:.2%}", f"{m['recon_mse_test']:.4f}", f"{m['fid10k_test']:.2f}",
                     pm(m["parzen10k"], m["parzen10k_se"], 1), cell(m, "nelbo_test") or cell(m, "nelbo_adversary_estimate_test"),
                     cell(m, "nll_iwae100_test"), cell(m, "nll_ais100_test"), cell(m, "nll_iwae100_first100_test"),
                     PUBLISHED_ENCODER.get(base(n), "")])
    rows.append(["*pixels as codes (no model)*", "", "", f"{PIXELS_NN1['val']:.2%}", "", f"{PIXELS_NN1['test']:.2%}",
                 *[""] * 9])
    tables["encoder"] = md_table(
        ["config", "steps (batch)", "train / eval time (s)", "nn1_acc_val (official BiGAN protocol)",
         "nn1_acc_val_hidden (the same on E's last hidden layer: official NNC_e-)", "nn1_acc_test",
         "probe_acc_test", "recon_mse_test", "fid10k_test", "parzen10k (nats)",
         "nelbo_test (VAE) / nelbo_adversary_estimate_test (AVB, no bound) (nats)", "nll_iwae100_test (nats)",
         "nll_ais100_test (nats; AIS, first 100 test images)", "nll_iwae100 on the same 100 images",
         "published (the paper's protocol)"], rows)
    curves = [n for n in runs if "nn1_acc_val" in evaluated[n].get("curve", {})]
    tables["encoder_curves"] = md_table(
        ["config", "step", "nn1_acc_val (official BiGAN protocol)", "nn1_acc_val_hidden", "fid10k_test"],
        [[n, step, f"{value:.2%}", cell(dict(evaluated[n]["curve"].get("nn1_acc_val_hidden", [])), step, "{:.2%}"),
          cell(dict(evaluated[n]["curve"].get("fid10k_test", [])), step)]
         for n in curves for step, value in evaluated[n]["curve"]["nn1_acc_val"]
         if not (n in budgets.CONTINUES and step <= trained[n]["resumed_from"])])  # those are the other run's rows
    tables["encoder_seeds"] = encoder_seeds(runs, trained, evaluated)
    tables["four_points"] = md_table(
        ["config", "steps (batch)", "train time (s)", "nelbo (AVB: nelbo_adversary_estimate)",
         "nll_mc (decoder's -log p(x), 100k prior draws)", "nll_iwae100", "nll_ais"],
        [[n, *run_cells(n, False), f"{evaluated[n]['metrics'].get('nelbo', evaluated[n]['metrics'].get('nelbo_adversary_estimate')):.3f}",
          *(cell(evaluated[n]["metrics"], k, "{:.3f}") for k in ("nll_mc", "nll_iwae100", "nll_ais"))]
         for n in runs if n in budgets.ENCODER_BUDGETS and n.endswith("_toy")])
    return tables


OFFICIAL_BIGAN_NN1 = 0.9592  # the official BiGAN log's nn1_acc_val at epoch 200 (../shared/REFERENCES.md)


def encoder_seeds(runs, trained, evaluated):
    """The seeds of an encoder run: NAME is seed 0, NAME-sK the same budget with seed K
    (benchmarks.budgets). Per seed its last checkpoint's nn1_acc_val and the band of its in-training
    evaluations over the run's second half (epochs 100-200 of bigan_mnist-200ep), then the mean over
    seeds; the machine is named because a run's time depends on it."""
    from benchmarks import budgets

    groups = {}
    for n in runs:
        base, _, seed = n.rpartition("-s")
        if seed.isdigit() and base in runs and base in budgets.ENCODER_BUDGETS:
            groups.setdefault(base, {0: base})[int(seed)] = n
    rows = []
    for base, names in groups.items():
        finals, hidden, bands, seconds = [], [], [], []
        for seed, n in sorted(names.items()):
            m, t = evaluated[n]["metrics"], trained[n]
            curve = evaluated[n].get("curve", {}).get("nn1_acc_val", [])
            points = [v for step, v in curve if step >= t["steps"] // 2]
            first = next((step for step, v in curve if v >= OFFICIAL_BIGAN_NN1), None)
            finals.append(100 * m["nn1_acc_val"])
            hidden.append(100 * m["nn1_acc_val_hidden"] if "nn1_acc_val_hidden" in m else None)
            bands.append(100 * statistics.mean(points) if points else None)
            seconds.append(t["seconds"])
            cpu = (evaluated[n].get("cpu") or UNKNOWN_CPU).split(":")[0]
            rows.append([base, seed, cpu, f"{t['seconds']:.0f}", f"{finals[-1]:.2f}",
                         "" if hidden[-1] is None else f"{hidden[-1]:.2f}",
                         spread([100 * v for v in points]) + (f" ({len(points)} points)" if points else ""),
                         f"{100 * min(points):.2f} to {100 * max(points):.2f}" if points else "",
                         sum(v >= OFFICIAL_BIGAN_NN1 for v in points) if points else "", first or "never"])
        rows.append([f"*{base}, mean of {len(names)} seeds*", "", "", f"{statistics.mean(seconds):.0f}",
                     spread(finals), spread(hidden), spread(bands), "", "", ""])
    return md_table(["run", "seed", "machine", "train time (s)", "nn1_acc_val (%), last checkpoint",
                     "nn1_acc_val_hidden (%)", "nn1_acc_val (%) over the second half's evaluations",
                     "lowest to highest there", f"points >= {OFFICIAL_BIGAN_NN1:.2%} (official, epoch 200)",
                     f"first step >= {OFFICIAL_BIGAN_NN1:.2%}"], rows)


# bench -> (title, the fields that identify a measurement, the function of its records that makes the tables)
BENCHES = {
    "results": ("Results", ("kind", "config"), results),
    "scaling": ("Scaling", ("setting",), scaling),
    "serving": ("Serving speed", ("task", "batch", "backend"), serving),
    "web": ("Sampling in the browser", ("where", "batch"), web),
    "eval_speed": ("Evaluation speed", ("metric",), eval_speed),
    "throughput_families": ("Training throughput of every model family", ("config",), throughput),
    "settings": ("Speed settings per model family, A/B in one run", ("config", "variant", "round"), settings),
    "versus_pytorch": ("The MNIST DCGAN step against eager PyTorch", ("precision", "engine", "round"), versus_pytorch),
    "versus_pytorch_amx": ("The MNIST DCGAN step against eager PyTorch, on an Intel Xeon with AMX",
                           ("precision", "engine", "round"), versus_pytorch),
    "lens_weighting": ("Lens weighting: L_rec averaged or summed over pixels", ("variant", "update"), lens_weighting),
    "tempered": ("Tempered lens on MNIST", ("recipe", "lens", "steps", "k"), tempered),
    "pretrained": ("Pretrained models packed", ("name",), pretrained),
    "toy_modes": ("Mode coverage on PacGAN's ring and grid", ("run", "mixture", "seed", "updates"), toy),
    "toy_precision": ("Mode coverage on PacGAN's ring, float32 and bfloat16", ("run", "mixture", "seed", "updates"), toy),
}


def main(benches):
    """Renders the named benches (all with records when none is named); a name that is no bench, or
    a bench without records, is refused before any page is written."""
    unknown = [b for b in benches if b not in BENCHES]
    if unknown:
        raise UserError(f"no benchmark {', '.join(unknown)}; the benchmarks: {', '.join(BENCHES)}")
    recorded = [b for b in BENCHES if os.path.exists(path(b))]
    missing = [b for b in benches if b not in recorded]
    if missing:
        raise UserError(f"no records for {', '.join(missing)} ({path(missing[0])}): run the benchmark first")
    for bench in benches or recorded:
        render(bench)
        print(output(bench))


if __name__ == "__main__":
    exit_on_user_error(main)(sys.argv[1:])
