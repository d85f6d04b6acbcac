"""The trainer: a smoke fit of every config, the workdir contract, resume, export parity."""
import json
import os

import numpy as np
import onnxruntime as ort
import pytest
import tensorflow as tf

import configs
from tests.tolerances import reorder
from train import build, spec, trainer
from train import workdir as workdir_lib
from zoo.errors import UserError

CONFIGS = [f"{m}_{d}" for m in ("mmgan", "nsgan", "lsgan", "wgan", "wgangp") for d in ("toy", "mnist")]
CONFIGS.append("nsgan_stacked_mnist")
ENCODER_CONFIGS = ["bigan_mnist", "ali_mnist", "age_mnist", "avb_mnist", "vae_mnist", "avb_toy", "vae_toy"]
CONFIGS += ENCODER_CONFIGS
# the Tempered lens on one config per objective family: NS (MNIST), LS, WGAN-GP, f-GAN (KL) (toy)
TEMPERED_CONFIGS = ["tempered_mnist", "tempered_toy:lsgan", "tempered_toy:wgangp", "tempered_toy:fgan"]
CONFIGS += TEMPERED_CONFIGS
MNIST_SAMPLE_METRICS = {"fid200_test", "kid200_test", "kid200_test_std", "cs200", "cs200_std",
                        "parzen200", "parzen200_se", "parzen200_sigma"}
# the encoder metrics on the first 1,000 images of each split (tiny's eval.encoder_examples), named so
ENCODER_METRICS = {"recon_mse_first1k_test", "nn1_acc_first1k_test", "probe_acc_first1k_test"}
PRIORS = {"bigan_mnist": dict(name="uniform", low=-1.0, high=1.0), "age_mnist": dict(name="sphere", radius=1.0)}
# Keras vs SavedModel vs onnxruntime: float32 sums in other orders through <= 6 chained layers (reconstruct:
# E, then G; batch norm in inference mode is elementwise), sqrt(n) sum|w h| <= 32 x 15 in each (BiGAN's and
# AVB's encoders on x in [-1, 1]: 1024 terms of sum 12.9, 816 of 14.9; AGE's dense on 7x7x128, 6272 of 2.8;
# the DCGAN generators, 800 of 2.2; the weights' size, not the CPU's): 2.1e-3, on images in [-1, 1], codes
# <= 1.6
EXPORT_ATOL = reorder(1024, 15.0, depth=6)


def tiny(name, **overrides):
    config = configs.load(name)
    config.steps, config.log_every, config.data.batch_size, config.eval.num_samples = 4, 2, 8, 200
    # float32 on every CPU ("auto" would compute the image GANs in bfloat16 where the CPU has it): the
    # suite's tolerances are float32's; tests/test_precision.py tests "auto"
    config.mixed_precision = None
    config.eval.ais.update(dict(examples=4, chains=2, steps=3, leapfrog=2))  # the AIS code path, cheaply
    # the encoder metrics' code path on 1,000 images of each split, not 60,000 + 10,000 (the protocol's
    # whole splits, zoo.metrics.suite.encoder_suite, tested on pixels in tests/test_encoder_metrics.py)
    config.eval.encoder_examples = 1000
    for key, value in overrides.items():
        config[key] = value
    return config


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every config trained for 4 generator updates in its own workdir."""
    out = {}
    for name in CONFIGS:
        workdir = str(tmp_path_factory.mktemp(name.replace(":", "-")))
        model, metrics = trainer.run(tiny(name), workdir, tf.distribute.get_strategy(), verbose=0)
        out[name] = (workdir, model, metrics)
    return out


@pytest.mark.parametrize("name", CONFIGS)
def test_every_config_trains_and_writes_the_workdir_contract(runs, name):
    workdir, model, metrics = runs[name]
    assert int(model.optimizer.iterations) == 4
    for part in ("checkpoints/ckpt-00000004.keras", "checkpoints/ckpt-00000004.keras.sha256", "backup/state.json",
                 "backup/step-00000004/model.keras", "config.json", "metrics.json", "export/saved_model/saved_model.pb",
                 "export/generator.onnx", "export/metadata.json", "export/metadata.json.sha256",
                 "samples/step_00000004.png"):
        assert os.path.exists(os.path.join(workdir, part)), part
    assert os.listdir(os.path.join(workdir, "logs", "train"))
    with open(os.path.join(workdir, "metrics.json")) as f:
        written = json.load(f)
    assert written["step"] == 4 and np.isfinite(list(written["final_losses"].values())).all()
    if name in TEMPERED_CONFIGS:  # the lens is active (step <= K): x beside L(x) in samples/
        assert model.lens_k > 4 and os.path.exists(os.path.join(workdir, "samples", "lens_00000004.png"))
        assert {"lens_adv", "lens_rec", "lens_lambda"} <= set(written["final_losses"])
    if name.split(":")[0].endswith("toy") and name not in ENCODER_CONFIGS:
        assert set(metrics) == {"modes200", "high_quality200", "reverse_kl200"}
    elif name.endswith("stacked_mnist"):  # digit triples of 200 samples, read by the MNIST classifier
        assert set(metrics) == {"modes200", "kl200"} and 1 <= metrics["modes200"] <= 200
    elif name in ("avb_toy", "vae_toy"):  # likelihoods of the 4 points (nats; log 4 = 1.386 is the best)
        # AVB's ELBO uses the adversary's KL estimate, no bound: its name says so
        want = {"nll_mc", "nll_ais"} | ({"nelbo", "nll_iwae100"} if name == "vae_toy" else {"nelbo_adversary_estimate"})
        # Gibbs: >= log 4 for 4 equally likely points; 0.01 for the noise of its 100k-draw estimate
        assert set(metrics) == want and metrics["nll_mc"] > np.log(4) - 0.01
    else:  # the names carry the protocol: 200 generated samples against the 10k test split
        want = set(MNIST_SAMPLE_METRICS)
        if name in ENCODER_CONFIGS:
            want |= ENCODER_METRICS
        if name in ("bigan_mnist", "ali_mnist", "age_mnist"):  # MNIST itself: the official BiGAN protocol too
            want |= {"nn1_acc_first1k_val"} | ({"nn1_acc_first1k_val_hidden"} if name != "age_mnist" else set())
        if name in ("avb_mnist", "vae_mnist"):
            want |= {"nelbo_test", "nll_iwae100_test"} if name == "vae_mnist" else {"nelbo_adversary_estimate_test"}
            want |= {"nll_ais4_test"} | ({"nll_iwae100_first4_test"} if name == "vae_mnist" else set())
        assert set(metrics) == want
        assert all(np.isfinite(v) for v in metrics.values())
        assert 1.0 <= metrics["cs200"] <= 10.0 and metrics["fid200_test"] > 0
    meta = json.load(open(os.path.join(workdir, "export", "metadata.json")))
    assert meta["latent_dim"] == model.latent_dim and meta["steps"] == 4
    assert meta["prior"] == PRIORS.get(name, dict(name="normal", loc=0.0, scale=1.0))
    assert meta["data"]["shape"] == list(model.data_shape) and meta["metrics"] == metrics


def test_four_point_runs_draw_the_posterior_regions(runs):
    for name in ("avb_toy", "vae_toy"):
        workdir, model, _ = runs[name]
        from PIL import Image

        image = np.asarray(Image.open(os.path.join(workdir, "samples", "step_00000004.png")).convert("RGB"))
        assert image.shape[0] > 200 and len(np.unique(image.reshape(-1, 3), axis=0)) > 20  # a coloured plot


@pytest.mark.parametrize("name", ["nsgan_toy", "nsgan_mnist", "wgangp_mnist", "bigan_mnist", "ali_mnist",
                                  "age_mnist", "vae_toy", "avb_mnist", "tempered_mnist"])
def test_export_parity_keras_savedmodel_onnx(runs, name):
    workdir, model, _ = runs[name]
    export = os.path.join(workdir, "export")
    saved = tf.saved_model.load(os.path.join(export, "saved_model"))
    session = ort.InferenceSession(os.path.join(export, "generator.onnx"))
    assert [i.name for i in session.get_inputs()] == ["z"] and session.get_outputs()[0].name == "x"
    for batch in (1, 7, 64):
        z = np.random.default_rng(batch).normal(size=(batch, model.latent_dim)).astype(np.float32)
        want = model.generate(z).numpy()  # batch norm in inference mode
        for signature in ("serving_default", "sample"):
            got = saved.signatures[signature](z=tf.constant(z))["x"].numpy()
            np.testing.assert_allclose(got, want, atol=EXPORT_ATOL)
        np.testing.assert_allclose(session.run(["x"], {"z": z})[0], want, atol=EXPORT_ATOL)
        if model.has_encoder:  # the encoder, batch norm in inference mode too
            x = np.random.default_rng(batch).uniform(-1, 1, size=(batch, *model.data_shape)).astype(np.float32)
            codes = model.encode(x).numpy()
            np.testing.assert_allclose(saved.signatures["encode"](x=tf.constant(x))["z"].numpy(), codes,
                                       atol=EXPORT_ATOL)
            encoder = ort.InferenceSession(os.path.join(export, "encoder.onnx"))
            np.testing.assert_allclose(encoder.run(["z"], {"x": x})[0], codes, atol=EXPORT_ATOL)
            np.testing.assert_allclose(saved.signatures["reconstruct"](x=tf.constant(x))["x"].numpy(),
                                       model.reconstruct(x).numpy(), atol=EXPORT_ATOL)
    # the artifacts hold G (and E) only: no critic, lens or adversary
    nets = [model.generator] + ([model.encoder] if model.has_encoder else [])
    assert len(saved.variables) == sum(len(n.variables) for n in nets)


def test_second_run_resumes_and_longer_steps_continue(tmp_path):
    workdir = str(tmp_path / "run")
    strategy = tf.distribute.get_strategy()
    first, _ = trainer.run(tiny("nsgan_toy"), workdir, strategy, verbose=0)
    again, _ = trainer.run(tiny("nsgan_toy"), workdir, strategy, verbose=0)  # finished: trains nothing
    z = np.zeros((3, 2), np.float32)
    np.testing.assert_array_equal(first.generate(z), again.generate(z))
    assert int(again.g_optimizer.iterations) == 4
    longer, _ = trainer.run(tiny("nsgan_toy", steps=8), workdir, strategy, verbose=0)
    assert int(longer.g_optimizer.iterations) == 8
    assert workdir_lib.list_checkpoints(os.path.join(workdir, "checkpoints"))[-1].endswith("ckpt-00000008.keras")


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    strategy = tf.distribute.get_strategy()
    straight, _ = trainer.run(tiny("wgangp_toy", steps=8), str(tmp_path / "a"), strategy, verbose=0)
    trainer.run(tiny("wgangp_toy", steps=4), str(tmp_path / "b"), strategy, verbose=0)
    resumed, _ = trainer.run(tiny("wgangp_toy", steps=8), str(tmp_path / "b"), strategy, verbose=0)
    # a resume replays the same kernels on the same data: measured 0.0 (tests/test_faults.py checks it
    # exactly). 1e-5 also holds a retrace that orders the sums otherwise: 24 Adam updates (lr 1e-4) x 2 x the
    # gradient's reorder error (20 chained sums of <= 512 terms: 3.2e-4) = 1.5e-6; lost Adam slots move ~1e-4
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_eval_every_writes_metrics_to_tensorboard_and_may_change_on_resume(tmp_path):
    workdir = str(tmp_path / "run")
    trainer.run(tiny("nsgan_toy", steps=8), workdir, tf.distribute.get_strategy(), verbose=0)
    assert not os.path.exists(os.path.join(workdir, "logs", "eval"))  # eval.every = 0: only at the end
    config = tiny("nsgan_toy", steps=16)
    config.eval.every = 4
    config.eval.num_samples = 100  # eval keys may change between runs of one workdir
    _, final = trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
    scalars = workdir_lib.read_scalars(workdir, "eval")
    assert [step for step, _ in scalars["eval/modes100"]] == [12, 16]
    assert scalars["eval/modes100"][-1][1] == final["modes100"]
    assert set(final) == {"modes100", "high_quality100", "reverse_kl100"}
    config = tiny("nsgan_toy", steps=20)  # a cheap curve: fewer samples during training, not at the end
    config.eval.every, config.eval.num_samples, config.eval.every_samples = 4, 100, 50
    _, final = trainer.run(config, workdir, tf.distribute.get_strategy(), verbose=0)
    scalars = workdir_lib.read_scalars(workdir, "eval")
    assert [step for step, _ in scalars["eval/modes50"]] == [20] and "modes100" in final


def test_workdir_of_another_config_is_refused_and_left_intact(tmp_path):
    workdir = str(tmp_path / "run")
    trainer.run(tiny("nsgan_toy"), workdir, tf.distribute.get_strategy(), verbose=0)
    before = open(os.path.join(workdir, "config.json")).read()
    with pytest.raises(UserError, match="different config.*objective"):
        trainer.run(tiny("lsgan_toy"), workdir, tf.distribute.get_strategy(), verbose=0)
    assert open(os.path.join(workdir, "config.json")).read() == before


def test_a_run_from_before_the_folder_keys_still_resumes(tmp_path):
    """config.json of a run written before data.path/image_size/channels/resize existed: the keys'
    defaults are what it trained with, so it resumes; a changed folder key is still refused."""
    from train import workdir as wd
    from zoo.data import folder

    workdir = str(tmp_path / "run")
    trainer.run(tiny("nsgan_toy", steps=4), workdir, tf.distribute.get_strategy(), verbose=0)
    path = os.path.join(workdir, "config.json")
    old = json.load(open(path))
    old["data"] = {k: v for k, v in old["data"].items() if k not in folder.DEFAULTS}
    json.dump(old, open(path, "w"))
    wd.check_config(tiny("nsgan_toy", steps=8), workdir, write=False)
    changed = tiny("nsgan_toy", steps=8)
    changed.data.image_size = 32
    with pytest.raises(UserError, match=r"different config \(keys data.image_size differ"):
        wd.check_config(changed, workdir, write=False)


def test_a_resumed_run_keeps_the_learning_rate_of_the_steps_it_trained(tmp_path):
    """decay_from schedules the rate as a function of config.steps: another steps or decay_from on
    resume is refused where it would change the rate of a step already trained, allowed where not."""
    workdir = str(tmp_path / "run")
    decaying = tiny("nsgan_toy", steps=4)
    decaying.g_optimizer.decay_from = 0.5
    trainer.run(decaying, workdir, tf.distribute.get_strategy(), verbose=0)
    workdir_lib.check_config(decaying, workdir, write=False)  # the same schedule: resumes
    longer = tiny("nsgan_toy", steps=8)
    longer.g_optimizer.decay_from = 0.5  # decays from step 4, not 2: steps 2-3 would have trained faster
    with pytest.raises(UserError, match=r"whose g_optimizer has made 4 updates, and its learning rate \(g_optimizer.decay_from 0.5 of 4 steps\) "
                                        r"would change at updates already made; resume with --config.steps=4 and "
                                        r"--config.g_optimizer.decay_from=0.5"):
        workdir_lib.check_config(longer, workdir, write=False)
    # a constant rate so far: a decay may start where the run stands (the official BiGAN's 200 + 200
    # epochs), not before it
    plain = str(tmp_path / "plain")
    trainer.run(tiny("nsgan_toy", steps=4), plain, tf.distribute.get_strategy(), verbose=0)
    workdir_lib.check_config(tiny("nsgan_toy", steps=8), plain, write=False)  # no decay: may train longer
    longer.g_optimizer.decay_from = 0.5  # constant for steps 0-3, as trained
    workdir_lib.check_config(longer, plain, write=False)
    # an optimizer's own updates count, not the step: a critic updated twice per step has made 8
    critic = tiny("nsgan_toy", steps=8)
    critic.d_optimizer.decay_from = 0.5
    workdir_lib.check_config(critic, plain, write=False)
    with pytest.raises(UserError, match="whose d_optimizer has made 8 updates"):
        workdir_lib.check_config(critic, plain, write=False, updates={"g_optimizer": 4, "d_optimizer": 8})
    trainer.run(longer, plain, tf.distribute.get_strategy(), verbose=0)
    g_optimizer = workdir_lib.load_checkpoint(os.path.join(plain, "checkpoints")).g_optimizer
    assert int(g_optimizer.iterations) == 8 and float(g_optimizer.learning_rate) == 0.0  # decayed over steps 4-7
    early = tiny("nsgan_toy", steps=8)
    early.g_optimizer.decay_from = 0.25  # would decay from step 2
    with pytest.raises(UserError, match="would change at updates already made"):
        workdir_lib.check_config(early, plain, write=False)
    with pytest.raises(UserError, match=r"decays \(g_optimizer.decay_from 0.5 of 8 steps\): it keeps a decay_from"):
        workdir_lib.check_config(tiny("nsgan_toy", steps=8), plain, write=False)
    # a state that does not fit the built model is refused, not half-restored: Keras only warns and
    # skips the optimizer (its moments and step count would restart silently)
    state = workdir_lib.resume_state(plain)[1]
    constant = build.model(tiny("nsgan_toy", steps=8), replicas=1)
    with pytest.raises(UserError, match=r"cannot resume from .*: the config builds a model whose state does not fit "
                                        r"it \(Skipping variable loading for optimizer"):
        workdir_lib.restore(constant, state)


def test_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    from train.callbacks import NonFiniteLoss
    from zoo import objectives

    workdir = str(tmp_path / "run")
    trainer.run(tiny("nsgan_toy", steps=4), workdir, tf.distribute.get_strategy(), verbose=0)
    backup = os.path.join(workdir, "backup", "step-00000004", "model.keras")
    good = open(backup, "rb").read()
    ckpts = sorted(os.listdir(os.path.join(workdir, "checkpoints")))

    def diverged(real, fake):
        d, g = OBJECTIVES_BEFORE(real, fake)
        nan = tf.constant(float("nan"))
        return (None if d is None else d + nan), g + nan

    OBJECTIVES_BEFORE = objectives.OBJECTIVES["non_saturating"]
    monkeypatch.setitem(objectives.OBJECTIVES, "non_saturating", diverged)
    with pytest.raises(NonFiniteLoss, match="at step 6; the last good checkpoint, step 4, is kept"):
        trainer.run(tiny("nsgan_toy", steps=8), workdir, tf.distribute.get_strategy(), verbose=0)
    assert open(backup, "rb").read() == good  # the resume state still holds step 4
    assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == ckpts
    assert workdir_lib.resume_step(workdir) == 4
    fresh = str(tmp_path / "fresh")  # diverged before its first checkpoint: the message does not claim one
    with pytest.raises(NonFiniteLoss, match="at step 1; no checkpoint had been written yet$"):
        trainer.run(tiny("nsgan_toy", steps=8, steps_per_execution=1), fresh, tf.distribute.get_strategy(), verbose=0)
    assert not os.path.exists(os.path.join(fresh, "checkpoints")) and workdir_lib.resume_step(fresh) == 0


def test_steps_need_not_be_a_multiple_of_log_every(tmp_path):
    """A last partial interval is an epoch of its own; a longer run on the same workdir continues
    from there and ends with the weights of an uninterrupted run."""
    strategy = tf.distribute.get_strategy()
    assert trainer.epochs(0, 5, 2) == [(0, 2, 2), (2, 1, 1)]
    assert trainer.epochs(5, 12, 4) == [(1, 1, 3), (2, 1, 4)]  # epochs end at 8 and 12, as in a 0 -> 12 run
    assert trainer.epochs(5, 11, 2) == [(2, 1, 1), (3, 2, 2), (5, 1, 1)] and trainer.epochs(8, 8, 2) == []
    assert trainer.build.steps_per_execution(spec.read(tiny("nsgan_toy", steps=5), replicas=1)) == 1
    straight = str(tmp_path / "straight")
    trainer.run(tiny("nsgan_toy", steps=8), straight, strategy, verbose=0)
    parts = str(tmp_path / "parts")
    trainer.run(tiny("nsgan_toy", steps=5), parts, strategy, verbose=0)
    ckpts = os.path.join(parts, "checkpoints")
    assert [workdir_lib.checkpoint_step(p) for p in workdir_lib.list_checkpoints(ckpts)] == [2, 4, 5]
    model, _ = trainer.run(tiny("nsgan_toy", steps=8), parts, strategy, verbose=0)
    assert [workdir_lib.checkpoint_step(p) for p in workdir_lib.list_checkpoints(ckpts)] == [5, 6, 8]
    reference = workdir_lib.load_checkpoint(os.path.join(straight, "checkpoints"))
    for a, b in zip(reference.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_validation_errors():
    config = tiny("nsgan_toy")
    config.eval.features = "inceptoin"  # refused before any training, not after it
    with pytest.raises(UserError, match="unknown eval.features 'inceptoin'"):
        trainer.run(config, "/nonexistent/never", tf.distribute.get_strategy())
    for key, value, message in [("steps", 0, "eval.ais.steps must be an integer >= 1, not 0"),
                                ("examples", -1, "eval.ais.examples must be an integer >= 0, not -1")]:
        config = tiny("vae_toy")
        config.eval.ais[key] = value  # refused before training, not at the final evaluation
        with pytest.raises(UserError, match=message):
            trainer.run(config, "/nonexistent/never", tf.distribute.get_strategy())
    for value in (-1, 20_000):  # 20,000: more than the 10,000 test images, no first 20,000 of them
        config = tiny("bigan_mnist")
        config.eval.encoder_examples = value
        message = rf"eval.encoder_examples must be an integer from 0 \(the whole splits\) to 10000, not {value}"
        with pytest.raises(UserError, match=message):
            trainer.run(config, "/nonexistent/never", tf.distribute.get_strategy())
    config = tiny("nsgan_toy")
    config.data.batch_size = 7
    with pytest.raises(UserError, match="divisible by the number of replicas"):
        spec.read(config, replicas=2)


def test_steps_per_execution_keeps_epochs_exact_and_is_one_under_replicas():
    config = tiny("nsgan_toy")  # steps_per_execution 100, log_every 2
    assert trainer.build.steps_per_execution(spec.read(config, replicas=1)) == 2
    config.log_every, config.steps = 500, 1000
    assert trainer.build.steps_per_execution(spec.read(config, replicas=1)) == 100
    assert trainer.build.steps_per_execution(spec.read(config, replicas=1), start_step=1030) == 10  # resumed after a 1,030-step run
    assert trainer.build.steps_per_execution(spec.read(config, replicas=2)) == 1  # keras-team/keras#19246
