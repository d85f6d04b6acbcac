"""The Tempered lens (Sajjadi et al. 2018): its schedule, its update, its sign, its isolation, its parity.

Measured with exactly these settings (max weight difference): the tempered step against the base
objective's D and G steps on L(x), and the lens against its hand-computed SGD step: 0.0 for all
four families; 2 replicas vs 1 device: one SGD step 3.0e-8 (NS) / 8.9e-8 (WGAN-GP). The lens starts
at the identity (a zero-initialised last layer) and, with lambda = 0, stays there exactly.
"""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import fit, max_weight_difference, toy_gan
from tests.test_parity import LOSS, RECIPES, one_step, run_both
from tests.tolerances import sgd_step
from zoo import data, nets
from zoo.models import noise
from zoo.models.gan import lens_lambda

FAMILIES = ["non_saturating", "least_squares", "wgan_gp", "f_gan_kl"]  # one per objective family
# 40 Adam steps, as tests.test_parity.MANY_STEPS, but a lens's dynamics branch further on last-bit noise: with
# every weight's last bit flipped at random (40 draws, one device) WGAN-GP + lens ends 1.1e-3 away (most
# draws), NS + lens 8e-5; the bound takes two branches. Same noise on every replica gives 3.4e-2 / 6.0e-2.
MANY_STEPS = 2.5e-3


def test_lambda_schedule():
    k = 1000
    assert float(lens_lambda(0, k)) == 1.0
    # float32: the angle's product and sin add a few roundings of values <= 1 (6e-8 each); 1e-6 is 17 of them
    assert float(lens_lambda(k // 2, k)) == pytest.approx(1.0 - math.sin(math.pi / 4), abs=1e-6)
    assert float(lens_lambda(k, k)) == pytest.approx(0.0, abs=1e-6)
    assert float(lens_lambda(k + 1, k)) == 0.0 and float(lens_lambda(10 * k, k)) == 0.0
    assert float(lens_lambda(0, 0)) == 0.0  # K = 0: a lens that only reconstructs
    steps = np.arange(0, k + 1)
    assert np.all(np.diff(lens_lambda(steps, k).numpy()) <= 0)  # anneals monotonically


def test_lens_net_shapes_and_global_skip():
    image = nets.build("lens", "lens", (28, 28, 1))
    assert image.output_shape == (None, 28, 28, 1)
    convs = [layer for layer in image.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(convs) == 2 + 2 * 8 and convs[0].filters == 32  # the paper's lens
    assert all(c.strides == (1, 1) and c.kernel_size == (3, 3) for c in convs)
    toy = nets.build("lens", "lens", (2,), width=16, depth=1)
    for v in toy.trainable_variables:  # f = 0: only the global skip is left
        v.assign(tf.zeros_like(v))
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_array_equal(toy(x).numpy(), x)


def _batch(n_critic, batch=64):
    return next(iter(data.load("ring", batch, seed=5, group=n_critic)))


@pytest.mark.parametrize("recipe", FAMILIES)
def test_one_step_is_the_base_objective_on_lens_x_and_the_lens_own_update(recipe):
    options = RECIPES[recipe]
    strategy = tf.distribute.get_strategy()
    tempered = toy_gan(strategy, lens_k=100, **options)
    base = toy_gan(strategy, **options)  # the same initial G and D (the lens is built after them)
    assert max_weight_difference(tempered.generator, base.generator) == 0.0
    lens0, g0 = _copy(tempered.lens), _copy(tempered.generator)

    x = _batch(tempered.n_critic)
    lens_x = tf.reshape(lens0(tf.reshape(x, [-1, 2])), x.shape)
    tempered.train_on_batch(x)
    base.train_on_batch(lens_x)  # the base objective, every real x replaced by L(x)
    # the same math on the same kernels (measured 0.0); a graph that fuses or orders its sums otherwise
    # stays within a reordered SGD step's bound (tests.test_parity.one_step)
    assert max_weight_difference(tempered.generator, base.generator) < one_step(recipe)
    assert max_weight_difference(tempered.discriminator, base.discriminator) < one_step(recipe)

    # the lens: one SGD step on lambda(0) L_adv + L_rec of the last real sub-batch, against the
    # critic after its update (base.discriminator), and nothing else: L_adv is the critic's loss with
    # L(x) labelled fake, beside the last critic step's G(z) (G before its update) labelled real
    last = x[:, -1] if tempered.n_critic > 1 else x
    fake = g0(tempered._draw_z(0, noise.CRITIC_Z, tempered.n_critic - 1, last.shape[0]))
    fake_score = tf.reshape(base.discriminator(fake), [-1])

    def lens_grads(lam):
        with tf.GradientTape() as tape:
            lx = lens0(last)
            adv, _ = base._objective_fn(fake_score, tf.reshape(base.discriminator(lx), [-1]))
            rec = tf.reduce_mean(tf.square(last - lx), axis=1)
            loss = tf.reduce_mean(lam * adv + rec)
        return tape.gradient(loss, lens0.trainable_variables)

    lr = float(tempered.lens_optimizer.learning_rate)
    want = [w - lr * g for w, g in zip(lens0.get_weights(), lens_grads(1.0))]
    got = tempered.lens.get_weights()
    # the same SGD step computed here and in the train step: a reordered step's bound for the lens's
    # gradients (<= 2; measured 0.08 to 0.99), 1.1e-5, against the adversarial term's share: 3.9e-3 to 5e-2
    assert max(float(np.abs(a - b).max()) for a, b in zip(got, want)) < sgd_step(2.0)
    rec_only = [w - lr * g for w, g in zip(lens0.get_weights(), lens_grads(0.0))]
    assert max(float(np.abs(a - b).max()) for a, b in zip(got, rec_only)) > 1e-4  # L_adv mattered


def _copy(net):
    copy = keras.models.clone_model(net)
    copy.set_weights(net.get_weights())
    return copy


def _critic_loss_on(model, lens, x, fake_score):
    """The critic's loss with L(x) labelled real (the objective's d_loss beside fixed fake scores)."""
    d_vec, _ = model._objective_fn(tf.reshape(model.discriminator(lens(x)), [-1]), fake_score)
    return float(tf.reduce_mean(d_vec))


@pytest.mark.parametrize("recipe", FAMILIES)
def test_a_lens_step_raises_the_critics_loss_on_lens_x(recipe):
    """The lens is adversarial to the critic (Sajjadi et al. 2018: L_adv ~ -L_D): against the critic it
    faces, its step must make L(x) look LESS real. A lens that minimised the generator-side loss on
    L(x) (the zoo's error before issue 18) lowers this loss instead."""
    model = toy_gan(tf.distribute.get_strategy(), lens_k=100, **RECIPES[recipe])
    x = _batch(model.n_critic)
    lens0 = _copy(model.lens)
    model.train_on_batch(x)  # lambda(0) = 1: the lens's step follows the critic's, against that critic
    last = x[:, -1] if model.n_critic > 1 else x
    fake_score = tf.reshape(model.discriminator(model.generator(tf.random.normal([64, 2], seed=1))), [-1])
    before, after = (_critic_loss_on(model, lens, last, fake_score) for lens in (lens0, model.lens))
    assert after > before


def test_the_lens_starts_at_the_identity_and_stays_there_without_its_adversarial_term():
    model = toy_gan(tf.distribute.get_strategy(), optimizer="adam", lens_k=0)
    x = _batch(1, 1000)
    np.testing.assert_array_equal(model.lens(x).numpy(), x.numpy())  # zero-initialised last layer
    history = fit(model, 300)
    assert set(history["lens_lambda"]) == {0.0}
    np.testing.assert_array_equal(model.lens(x).numpy(), x.numpy())  # L_rec's gradient at the identity: 0


def test_the_lens_distorts_while_lambda_is_on_and_returns_to_the_identity_after_k():
    model = toy_gan(tf.distribute.get_strategy(), optimizer="adam", lens_k=50)
    x = _batch(1, 1000)

    def distortion():
        return float(tf.reduce_mean(tf.square(model.lens(x) - x)))

    fit(model, 50)
    at_k = distortion()
    history = fit(model, 300)
    assert set(history["lens_lambda"]) == {0.0}
    # the ring's points are ~1 from 0: a lens that moved them by less than 1% of that did not temper
    assert at_k > 1e-4 and distortion() < at_k / 10


@pytest.mark.parametrize("recipe", ["non_saturating", "wgan_gp"])
def test_mirrored_parity_with_a_lens(mirrored, recipe):
    diff, h1, h2 = run_both(mirrored, 1, optimizer="sgd", lens_k=10, **RECIPES[recipe])
    assert diff < one_step(recipe)
    assert h1["lens_rec"][-1] == pytest.approx(h2["lens_rec"][-1], rel=LOSS)
    diff, _, _ = run_both(mirrored, 40, optimizer="adam", lens_k=10, **RECIPES[recipe])
    assert diff < MANY_STEPS


def test_save_and_load_keep_the_lens_and_the_generator():
    model = toy_gan(tf.distribute.get_strategy(), lens_k=7)
    fit(model, 2)
    path = f"{pytest.importorskip('tempfile').mkdtemp()}/m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert loaded.lens_k == 7 and loaded.optimizer_names[-1] == "lens_optimizer"
    assert max_weight_difference(loaded.lens, model.lens) == 0.0
    z = np.random.default_rng(0).normal(size=(9, 2)).astype(np.float32)
    np.testing.assert_array_equal(loaded.generate(z), model.generate(z))
    assert int(loaded.lens_optimizer.iterations) == 2


def test_the_lens_is_active_until_k_and_a_gan_has_no_encoder():
    model = toy_gan(tf.distribute.get_strategy(), lens_k=10)
    assert [model.lens_active(t) for t in (1, 10, 11)] == [True, True, False]
    plain = toy_gan(tf.distribute.get_strategy())
    assert not plain.lens_active(1) and not plain.has_encoder
