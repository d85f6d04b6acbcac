"""The zoo's results table: train every config at a stated budget, evaluate it, write RESULTS.md.

    python -m benchmarks.results [--configs=nsgan_mnist,...] [--phase=all|train|table]
                                 [--runs=runs/results] [--out=benchmarks/RESULTS.md]

Each config trains through the real trainer (`train.trainer.run`) into RUNS/NAME at the budget in
BUDGETS, then is evaluated from its newest checkpoint with the same code as
`python -m train.evaluate` (`train.trainer.write_metrics`). Everything is resumable: a finished training
run (its step counter at the budget) is not trained again, an interrupted one resumes from its
backup, and training wall times are kept in benchmarks/results/results.jsonl (only for runs that
trained start to finish in one process; a resumed run's time is marked as such).

`--phase=train` only trains (the long part); `--phase=table` only re-tabulates results.jsonl.
The table is written to OUT and between the RESULTS markers of README.md.
"""
import json
import os
import statistics
import time

from absl import app, flags

from benchmarks import budgets
from benchmarks.publish import replace_readme_section
from train import cpu, runtime

runtime.quiet()

# config name -> budget overrides. The GAN recipes on the toy mixtures are not here: they have their
# own benchmark with seeds, packing and curves (benchmarks/toy_modes.py).
# MNIST: 2,500 generator updates at batch 64 (about 2.7 epochs), the same for every objective so
# the rows compare objectives at equal generator updates; one-critic recipes take about 3 minutes
# on 2 cores, the five-critic ones (WGAN, WGAN-GP) several times that.
MNIST_STEPS = 2_500
BUDGETS = dict({
    "mmgan_mnist": dict(steps=MNIST_STEPS),
    "nsgan_mnist": dict(steps=MNIST_STEPS),
    "lsgan_mnist": dict(steps=MNIST_STEPS),
    "wgan_mnist": dict(steps=MNIST_STEPS),
    "wgangp_mnist": dict(steps=MNIST_STEPS),
    "nsgan_stacked_mnist": dict(steps=MNIST_STEPS),
    # a longer budget (issue 18: FID and Parzen where training has gone further): 8x the updates
    "nsgan_mnist-20k": dict(steps=20_000),
    "lsgan_mnist-20k": dict(steps=20_000),
    # PacGAN's PacDCGAN2 (Table 2): the critic judges packs of 2 images (6 channels); 64 packs per
    # step as in its official code, so 128 images per step
    "nsgan_stacked_mnist-pac2": {"steps": 20_000, "model_options.pac": 2, "data.batch_size": 128},
})
# Encoder models: budgets of a few minutes each on 2 cores (benchmarks/results/results.jsonl has
# the times). BiGAN: 20,000 steps at batch 128 on train[:50000] (51 epochs, half of them at a decaying
# learning rate; the official run is 400 epochs); ALI: 4,000 steps (8.5 epochs of the whole train split); AGE:
# 2,500 steps at batch 64 (each step 1 encoder + 2 generator updates); VAE and AVB: 10,000 steps at
# batch 100 (16.7 epochs); the 4-point toy: 10,000 steps at batch 512.
# BiGAN also evaluates every 2,500 steps (10,000 samples; the encoder metrics on every test image),
# the curve of nn1_acc_val in its logs/eval.
# bigan_mnist-200ep: the official run's first half, 200 epochs of train[:50000] (78,000 steps) at its
# constant rate, where the official log reports 95.92%; evaluated every 10 epochs (3,900 steps).
ENCODER_BUDGETS = {"bigan_mnist": {"steps": 20_000, "eval.every": 2_500},
                   "bigan_mnist-200ep": {"steps": 78_000, "eval.every": 3_900, "g_optimizer.decay_from": None,
                                         "d_optimizer.decay_from": None},
                   "ali_mnist": dict(steps=4_000),
                   "age_mnist": dict(steps=MNIST_STEPS), "vae_mnist": dict(steps=10_000),
                   "avb_mnist": dict(steps=10_000), "vae_toy": dict(steps=10_000), "avb_toy": dict(steps=10_000)}
BUDGETS.update(ENCODER_BUDGETS)
# issue 21: bfloat16 (mixed_bfloat16: bfloat16 compute, float32 variables) against float32 at the MNIST
# budget, 3 seeds each, trained on one machine, named CONFIG-PRECISION-sSEED
PRECISION_CONFIGS, PRECISION_SEEDS = ("nsgan_mnist", "wgangp_mnist"), (0, 1, 2)
PRECISIONS = {"float32": None, "bfloat16": "mixed_bfloat16"}
for _config in PRECISION_CONFIGS:
    for _precision, _policy in PRECISIONS.items():
        for _seed in PRECISION_SEEDS:
            BUDGETS[f"{_config}-{_precision}-s{_seed}"] = {"steps": MNIST_STEPS, "seed": _seed, "mixed_precision": _policy}
# f-GAN: every divergence on MNIST (the MNIST budget), named CONFIG-DIVERGENCE; the parameterised ones
# at benchmarks.budgets.DIVERGENCE_PARAMS.
DIVERGENCE_PARAMS = budgets.DIVERGENCE_PARAMS
FGAN_DIVERGENCES = budgets.FGAN_DIVERGENCES
for _div in FGAN_DIVERGENCES:
    BUDGETS[f"fgan_mnist-{_div}"] = {"steps": MNIST_STEPS, "model_options.divergence": _div,
                                     "model_options.divergence_param": DIVERGENCE_PARAMS.get(_div)}

flags.DEFINE_list("configs", list(BUDGETS), "Runs to train and evaluate: a config name (configs/NAME.py), "
                  "or CONFIG-DIVERGENCE for the f-GAN configs; 'fgan' for every f-GAN run.")
flags.DEFINE_enum("phase", "all", ["all", "train", "table"], "What to do.")
flags.DEFINE_string("runs", "runs/results", "Directory of the training workdirs (one per config).")
flags.DEFINE_string("out", "benchmarks/RESULTS.md", "Markdown table.")
flags.DEFINE_string("log", "benchmarks/results/results.jsonl", "Raw results, appended.")
FLAGS = flags.FLAGS


def config_for(name):
    import configs

    # float32 unless the budget says otherwise: the rows compare on any CPU (config.mixed_precision="auto"
    # would train the image GANs in bfloat16 where the CPU has it)
    return configs.load(name.split("-")[0], {"mixed_precision": None, **BUDGETS[name]})


def _records(kind):
    if not os.path.exists(FLAGS.log):
        return {}
    with open(FLAGS.log) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["config"]: r for r in rows if r["kind"] == kind}  # the newest record per config wins


def _append(record):
    os.makedirs(os.path.dirname(FLAGS.log) or ".", exist_ok=True)
    with open(FLAGS.log, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record), flush=True)


def train(name, config):
    import keras
    import tensorflow as tf

    from train import trainer, workdir as workdirs

    workdir = os.path.join(FLAGS.runs, name)
    start_step = workdirs.resume_step(workdir)
    if start_step >= config.steps:
        return
    keras.backend.clear_session()
    start = time.perf_counter()
    trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
    _append(dict(kind="train", config=name, steps=config.steps, batch_size=config.data.batch_size,
                 seconds=round(time.perf_counter() - start, 1), resumed_from=start_step,
                 date=time.strftime("%Y-%m-%d"), cpu=cpu.describe()))


def evaluate(name, config):
    """Evaluates the newest checkpoint of RUNS/NAME with the config file's current `eval` settings."""
    import keras

    from train import trainer, workdir as workdirs

    keras.backend.clear_session()
    workdir = os.path.join(FLAGS.runs, name)
    model = workdirs.load_checkpoint(os.path.join(workdir, workdirs.CHECKPOINTS))
    start = time.perf_counter()
    metrics = trainer.write_metrics(model, config, workdir)
    _append(dict(kind="eval", config=name, step=workdirs.step_of(model),
                 seconds=round(time.perf_counter() - start, 1), metrics=metrics))


HEADER = """# Results

Written by `python -m benchmarks.results` (train every config at the budget below, evaluate it
from its last checkpoint with `python -m train.evaluate`'s code, tabulate). Machine: 2 CPU cores,
no GPU. Raw records: `benchmarks/results/results.jsonl`; metric definitions: README, "Metrics".

Budgets (`BUDGETS` in `benchmarks/results.py`): MNIST and Stacked MNIST 2,500 generator updates at
batch 64 (2.7 epochs) for every objective and divergence; longer runs carry their budget in their
name (`nsgan_mnist-20k`, `lsgan_mnist-20k`: 20,000 updates; `nsgan_stacked_mnist-pac2`: 20,000 updates with packing);
the encoder models as stated below (the GAN recipes on the toy mixtures: `benchmarks/toy_modes.py`). These are minutes-per-model budgets for a 2-core CPU, far below the papers' (Goodfellow et
al. trained for hours on a GPU; Lucic et al. searched 100 configurations per model), so the rows
compare objectives with each other at equal budget, not with the published numbers. The wall
times were measured while another training run (and at times the test suite) shared the two
cores: they are upper bounds, roughly 1.5-2x an idle machine's.

The Tempered lens comparison (NS, LS, WGAN-GP with and without the lens, 3 seeds, FID curves) has
its own table: `benchmarks/results/tempered.md` and `benchmarks/results/tempered_fid.png`
(`python -m benchmarks.tempered`).

"""

# published numbers with a comparable protocol, by config (REFERENCES.md)
PUBLISHED_PARZEN = {"mmgan_mnist": "225 +- 2", "nsgan_mnist": "225 +- 2"}  # Goodfellow et al. 2014, Table 1
LUCIC_FID = {"mmgan_mnist": 9.8, "nsgan_mnist": 6.8, "lsgan_mnist": 7.8, "wgan_mnist": 6.7, "wgangp_mnist": 20.3}
PUBLISHED_ENCODER = {  # REFERENCES.md; "" where the paper has no number under a protocol we run
    "bigan_mnist": "nn1_acc_val 95.92% (official log, 200 epochs; 95.41% at 25, 92.10% at 400)",
    "avb_mnist": "AIS 81.8 +- 0.4 nats (official code: 32-d z, adaptive contrast, far longer training)"}
# raw pixels as codes under the same protocols: zoo.metrics.suite.validation_nn1(lambda x: x, "mnist") and
# the test-set 1-NN against the 60,000 train images (measured 2026-11-25)
PIXELS_NN1 = dict(val=0.9727, test=0.9691)


def _seconds(train_record):
    if not train_record:
        return "n/a"
    text = f"{train_record['seconds']:.0f}"
    return text if not train_record.get("resumed_from") else f"{text} (resumed at {train_record['resumed_from']})"


def _pm(value, err, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f} +- {err:.{digits}f}"


def _mnist_cells(m, sigma=False):
    """fid10k_test | kid10k_test | cs10k | parzen10k cells of an MNIST run's metrics."""
    parzen = _pm(m["parzen10k"], m["parzen10k_se"], 1)
    if sigma:
        parzen += f" (sigma {m['parzen10k_sigma']:.3f})"
    return (f"{m['fid10k_test']:.2f} | {_pm(m['kid10k_test'], m['kid10k_test_std'])} | "
            f"{_pm(m['cs10k'], m['cs10k_std'])} | {parzen}")


def _run_cells(name, trained, evaluated, eval_time=False):
    """steps (batch) | train time (s) [/ eval time] cells of a run."""
    seconds = _seconds(trained.get(name)) + (f" / {evaluated[name]['seconds']:.0f}" if eval_time else "")
    return f"{evaluated[name]['step']} ({config_for(name).data.batch_size}) | {seconds}"


def _divergence(name):
    param = config_for(name).model_options.divergence_param
    return name.split("-", 1)[1] + (f" ({param:g})" if param else "")


def table(trained, evaluated):
    lines = []
    runs = [n for n in BUDGETS if n in evaluated]  # every evaluated run, whichever --configs trained now
    mnist = [n for n in runs if n.split("-")[0].endswith("_mnist") and not n.startswith("fgan")
             and "stacked" not in n and n not in ENCODER_BUDGETS and not _precision_run(n)]
    if mnist:
        lines += ["### MNIST (10,000 generated samples; FID and KID against the 10,000 test images)", "",
                  "| config | objective | steps (batch) | train / eval time (s) | fid10k_test | kid10k_test | cs10k | "
                  "parzen10k (nats) | Parzen, Goodfellow 2014 | FID, Lucic 2018 (Inception; not comparable) |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name in mnist:
            lines.append(f"| {name} | {config_for(name).model_options.objective} | {_run_cells(name, trained, evaluated, True)} | "
                         f"{_mnist_cells(evaluated[name]['metrics'], sigma=True)} | "
                         f"{PUBLISHED_PARZEN.get(name.split('-')[0], '')} | {LUCIC_FID.get(name.split('-')[0], '')} |")
        lines += ["", "Real data through the same code (sanity): fid10k_test of 10,000 MNIST train images "
                  "0.96, of uniform noise 555; cs10k of the test images 9.74; parzen10k of 10,000 train "
                  "images 243.6 +- 2.1 (sigma 0.167). The MNIST classifier: 99.32% test accuracy.", ""]
    stacked = [n for n in runs if "stacked" in n]
    if stacked:
        lines += ["### Stacked MNIST (26,000 samples, 1000 modes)", "",
                  "| config | steps (batch) | train time (s) | modes26k | kl26k | published |", "|---|---|---|---|---|---|"]
        for name in stacked:
            m = evaluated[name]["metrics"]
            lines.append(f"| {name} | {_run_cells(name, trained, evaluated)} | {m['modes26k']} | {m['kl26k']:.2f} | "
                         f"DCGAN 99 / 3.4 (VEEGAN); PacDCGAN2 1000 / 0.06 |")
        lines += ["", "`-pac2`: PacGAN's packing of 2 (`--config.model_options.pac=2 --config.data.batch_size=128`: 64 packs of "
                  "two images, 6 channels, per critic step, as PacDCGAN2). Protocol differences from PacGAN's "
                  "official code (stacked_MNIST_experiments/VEEGAN_experiment): it trains 50 epochs over a fixed "
                  "set of 128,000 triples drawn from train + test (100,000 critic updates, each followed by two "
                  "generator updates), its DCGAN is carpedm20's (5x5 kernels, uniform z); ours streams fresh "
                  "triples of the train split, one generator update per critic update, the zoo's MNIST DCGAN, "
                  "and counts modes with the zoo's MNIST classifier (99.32%). The rows differ in budget: "
                  "nsgan_stacked_mnist ran 2,500 updates. Samples of the pac2 run: "
                  "`benchmarks/results/nsgan_stacked_mnist-pac2.png`.", ""]
    lines += _precision_table(runs, evaluated, trained)
    lines += _fgan_tables(runs, evaluated, trained)
    lines += _encoder_tables(runs, evaluated, trained)
    lines += ["### Toy: the GAN recipes on PacGAN's ring and grid", "",
              "With seeds, packing and the curve of modes against updates, by `python -m benchmarks.toy_modes`: "
              "`benchmarks/results/toy_modes.md`, and the README's section \"Mode coverage on the PacGAN mixtures\".", ""]
    return "\n".join(lines)


def _precision_run(name):
    parts = name.split("-")
    return len(parts) == 3 and parts[1] in PRECISIONS


def _precision_table(runs, evaluated, trained):
    """FID, KID and classifier score per config and precision: mean +- sd over the seeds."""
    groups = {}
    for name in runs:
        if _precision_run(name):
            config, precision, _ = name.split("-")
            groups.setdefault((config, precision), []).append(name)
    if not groups:
        return []
    cpus = sorted({trained[n]["cpu"] for names in groups.values() for n in names if trained.get(n, {}).get("cpu")})
    lines = ["### bfloat16 against float32 (issue 21: may bfloat16 be the default where the CPU has it?)", "",
             f"Each row: {MNIST_STEPS:,} updates at batch 64, seeds {', '.join(map(str, PRECISION_SEEDS))}, "
             f"mean +- sd over the seeds (n = the runs evaluated); trained on {'; '.join(cpus) or 'n/a'}. "
             "bfloat16 is `--config.mixed_precision=mixed_bfloat16` (bfloat16 compute, float32 variables). "
             "A seed fixes the initial weights, the data order and the noise, so the rows pair up by seed.", "",
             "| config | precision | n | fid10k_test | ... by seed | kid10k_test | cs10k | train time per run (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for (config, precision), names in groups.items():
        metrics = [evaluated[n]["metrics"] for n in names]
        values = [[m[key] for m in metrics] for key in ("fid10k_test", "kid10k_test", "cs10k")]
        cells = [_pm(statistics.mean(v), statistics.stdev(v)) if len(v) > 1 else f"{v[0]:.2f}"  # one seed: no spread
                 for v in values]
        seconds = [trained[n]["seconds"] for n in names if n in trained]
        time_cell = f"{statistics.mean(seconds):.0f}" if seconds else "n/a"
        by_seed = ", ".join(f"{n.split('-s')[-1]}: {evaluated[n]['metrics']['fid10k_test']:.2f}" for n in names)
        lines.append(f"| {config} | {precision} | {len(names)} | {cells[0]} | {by_seed} | {' | '.join(cells[1:])} | "
                     f"{time_cell} |")
    return lines + [""]


def _fgan_tables(runs, evaluated, trained):
    lines = []
    mnist = [n for n in runs if n.startswith("fgan_mnist-")]
    if mnist:
        lines += ["### f-GAN on MNIST (alternative generator update; same networks, optimiser and budget as "
                  "nsgan_mnist)", "",
                  "| divergence | steps (batch) | train / eval time (s) | fid10k_test | kid10k_test | cs10k | "
                  "parzen10k (nats) |", "|---|---|---|---|---|---|---|"]
        for name in mnist:
            lines.append(f"| {_divergence(name)} | {_run_cells(name, trained, evaluated, True)} | "
                         f"{_mnist_cells(evaluated[name]['metrics'])} |")
        if "nsgan_mnist" in evaluated:
            lines.append(f"| *nsgan_mnist (same budget)* | | | {_mnist_cells(evaluated['nsgan_mnist']['metrics'])} |")
        lines += ["", "Published: Parzen 225 +- 2 (Goodfellow et al. 2014, Table 1). The f-GAN paper's "
                  "per-divergence MNIST table is not available here. `jensen_shannon` and `gan` give "
                  "identical rows by construction: with their output activations the two objectives differ "
                  "by constants only, so the same seed trains the same weights. `gan` differs from "
                  "nsgan_mnist only by the output bound (V -> 20 tanh(V/20)).", ""]
    return lines


def _encoder_tables(runs, evaluated, trained):
    lines = []
    mnist = [n for n in runs if n in ENCODER_BUDGETS and n.split("-")[0].endswith("_mnist")]
    if mnist:
        lines += ["### Encoder models on MNIST (encoder metrics on the 10,000 test images, train codes as the "
                  "1-NN reference; VAE/AVB on the fixed binarised test set)", "",
                  "| config | steps (batch) | train / eval time (s) | nn1_acc_val (official BiGAN protocol) | "
                  "nn1_acc_test | probe_acc_test | recon_mse_test | "
                  "fid10k_test | parzen10k (nats) | nelbo_test (VAE) / nelbo_adversary_estimate_test (AVB, no bound) "
                  "(nats) | nll_iwae100_test (nats) | nll_ais100_test (nats; AIS, first 100 test images) | "
                  "nll_iwae100 on the same 100 images | published (the paper's protocol) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for name in mnist:
            m = evaluated[name]["metrics"]
            cell = lambda key, fmt="{:.2f}": fmt.format(m[key]) if key in m else ""  # noqa: E731
            nelbo = cell("nelbo_test") or cell("nelbo_adversary_estimate_test")  # the VAE's bound or AVB's estimate
            val = f"{100 * m['nn1_acc_val']:.2f}%" if "nn1_acc_val" in m else ""
            lines.append(f"| {name} | {_run_cells(name, trained, evaluated, True)} | {val} | "
                         f"{100 * m['nn1_acc_test']:.2f}% | {100 * m['probe_acc_test']:.2f}% | "
                         f"{m['recon_mse_test']:.4f} | {m['fid10k_test']:.2f} | "
                         f"{_pm(m['parzen10k'], m['parzen10k_se'], 1)} | {nelbo} | "
                         f"{cell('nll_iwae100_test')} | {cell('nll_ais100_test')} | "
                         f"{cell('nll_iwae100_first100_test')} | {PUBLISHED_ENCODER.get(name.split('-')[0], '')} |")
        lines.append(f"| *pixels as codes (no model)* | | | {100 * PIXELS_NN1['val']:.2f}% | {100 * PIXELS_NN1['test']:.2f}% |"
                     " | | | | | | | | |")
        lines += ["", "nn1_acc_val is the official BiGAN protocol (jeffdonahue/bigan): 1-NN of the 10,000 "
                  "validation images train[50000:] against the codes of train[:50000], on which bigan_mnist "
                  "trains; raw pixels score 97.27% on it, so codes below that keep less class information "
                  "than the pixels. Empty: a run evaluated before the metric existed. bigan_mnist follows the "
                  "official code (jeffdonahue/bigan train_mnist.sh): its networks (zoo/nets/bigan_mlp.py: no "
                  "biases, batch norm without gain or offset, z entering the second hidden layer of G and D), the "
                  "u-50 code z = 2 sigmoid(a(x)) - 1 with 1-NN and the probe on the logits a(x) as NNC_e, and "
                  "simultaneous updates; 20,000 steps are 51 epochs of train[:50000] (the official run: 400), the "
                  "rate constant for 10,000 steps, then linearly to 0. Its nn1_acc_val every 2,500 steps (logs/eval, "
                  "10,000 samples): 95.78%, 94.87%, 94.92%, 94.74%, 95.44%, 95.30%, 95.45%, 94.90%, while FID falls "
                  "95.0, 44.8, 34.7, 24.6, 21.2, 16.5, 15.3, 15.3; on the squashed code z itself the last checkpoint "
                  "scores 94.67%. The official log: 91.50% at initialisation, 95.41% at epoch 25, 95.92% at 200, "
                  "92.10% at 400. Before the official networks and updates (biased MLPs, z concatenated to D's "
                  "input, no squash, alternating updates) the same budget reached 94.56% at 5,000 steps and ended "
                  "at 86.96% with FID 27.0; with the official networks but alternating updates and [-1, 1] pixels "
                  "it collapsed (FID 684 at 5,000 steps). Neither these codes nor the official ones (95.92%) beat "
                  "raw pixels (97.27%) on this protocol. "
                  "Published: official BiGAN 1-NN 95.92% on E(x) at 200 epochs (95.41% at 25, 92.10% at 400; "
                  "97.35% on penultimate features at 400 epochs); AVB on binarised MNIST, 32-d latent, adaptive contrast (official code, "
                  "far longer training): AIS about -81.8 +- 0.4 nats (its ELBO with the adversary's KL, -82.3 +- 0.3, "
                  "is no bound). AVB's nelbo_adversary_estimate_test uses the adversary's "
                  "KL estimate (not a bound; adaptive contrast with 16 moment draws biases the KL estimate low, "
                  "by 7% on a 2-d Gaussian, tests/test_avb.py), so read it as the adversary's opinion, not a "
                  "likelihood. The likelihood both models share is AIS (zoo.metrics.ais: 16 chains from the "
                  "model's proposal Gaussian, 500 sigmoid-scheduled steps, 5 leapfrog steps per HMC transition; "
                  "an upper bound on -log p(x) in expectation, checked against a linear-Gaussian closed form "
                  "in tests/test_ais.py); the AVB paper's AIS figures are for far longer training. VAE/AVB FID and Parzen: the decoder's mean images against "
                  "the grey MNIST test set. Pixels as codes (sanity): 1-NN 95.0%, probe 89.5% (1k test).", ""]
    toy = [n for n in runs if n in ENCODER_BUDGETS and n.endswith("_toy")]
    if toy:
        lines += ["### The 4-point problem of AVB (nats per point; the best possible is log 4 = 1.386)", "",
                  "| config | steps (batch) | train time (s) | nelbo (AVB: nelbo_adversary_estimate) | "
                  "nll_mc (decoder's -log p(x), 100k prior draws) | "
                  "nll_iwae100 | nll_ais |", "|---|---|---|---|---|---|---|"]
        for name in toy:
            m = evaluated[name]["metrics"]
            iwae = f"{m['nll_iwae100']:.3f}" if "nll_iwae100" in m else ""
            nelbo = m.get("nelbo", m.get("nelbo_adversary_estimate"))  # the VAE's bound or AVB's estimate
            ais = f"{m['nll_ais']:.3f}" if "nll_ais" in m else ""
            lines.append(f"| {name} | {_run_cells(name, trained, evaluated)} | {nelbo:.3f} | "
                         f"{m['nll_mc']:.3f} | {iwae} | {ais} |")
        lines += ["", "avb_toy's nelbo_adversary_estimate uses the adversary's KL estimate (a trained T "
                  "underestimates the KL of sharp posteriors, so it can fall below nll_mc); nll_mc is the same "
                  "Monte-Carlo quantity "
                  "for both models. Posterior regions: benchmarks/results/avb_toy.png, vae_toy.png.", ""]
    return lines


def main(argv):
    if "fgan" in FLAGS.configs:
        i = FLAGS.configs.index("fgan")
        FLAGS.configs = FLAGS.configs[:i] + [n for n in BUDGETS if n.startswith("fgan")] + FLAGS.configs[i + 1:]
    unknown = [c for c in FLAGS.configs if c not in BUDGETS]
    if unknown:
        raise app.UsageError(f"no budget for {', '.join(unknown)}; known: {', '.join(BUDGETS)}")
    configs = {name: config_for(name) for name in FLAGS.configs}  # read every config file up front
    if FLAGS.phase in ("all", "train"):
        for name in FLAGS.configs:
            train(name, configs[name])
    if FLAGS.phase == "all":
        for name in FLAGS.configs:
            evaluate(name, configs[name])
    if FLAGS.phase in ("all", "table"):
        text = table(_records("train"), _records("eval"))
        print(text)
        with open(FLAGS.out, "w") as f:
            f.write(HEADER + text + "\n")
        replace_readme_section(text)


if __name__ == "__main__":
    app.run(main)
