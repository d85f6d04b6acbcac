"""BiGAN / ALI: the losses by hand and the stochastic encoder."""
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import encoder_model, fit_encoder_model, max_weight_difference, step_gradient
from tests.tolerances import sgd_step
from zoo.models import BiGAN
from zoo.models.bigan import bigan_losses


def sp(v):
    return math.log1p(math.exp(v))


@pytest.mark.parametrize("loss", ["non_saturating", "minimax"])
def test_losses_by_hand(loss):
    d_vec, ge_vec = bigan_losses(tf.constant([2.0]), tf.constant([-1.0]), loss)
    # float32: two softplus terms of one sign (a few ulps each) and their sum: ~5 u = 3e-7 relative
    d = sp(-2.0) + sp(-1.0)  # -log s(2) - log(1 - s(-1))
    assert float(d_vec[0]) == pytest.approx(d, rel=1e-6)
    want = sp(2.0) + sp(1.0) if loss == "non_saturating" else -d  # labels swapped / the negative
    assert float(ge_vec[0]) == pytest.approx(want, rel=1e-6)


def test_one_step_logs_the_losses_of_a_constant_discriminator():
    model = encoder_model("bigan", tf.distribute.get_strategy())
    last = model.discriminator.layers[-1]
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])  # D = 0 everywhere
    model.d_optimizer.learning_rate = 0.0  # and stays 0 for the G/E update
    h = fit_encoder_model(model, "bigan", 1)
    # float32 log 2 per example, averaged over 64 equal ones: <= 64 roundings at worst, 3.8e-6 relative
    assert h["d_loss"][0] == pytest.approx(2 * math.log(2), rel=1e-5)
    assert h["ge_loss"][0] == pytest.approx(2 * math.log(2), rel=1e-5)


def test_ali_encodes_the_mean_and_trains_with_samples():
    model = encoder_model("ali", tf.distribute.get_strategy())
    x = tf.random.normal([5, 2])
    mu, logvar = tf.split(model.encoder(x), 2, axis=-1)
    # the same kernels on the same batch, op determinism on: bit-identical (measured 0.0); 1e-6 is 16 ulps
    # of |mu| <= 1, room for a fusion that rounds once more
    np.testing.assert_allclose(model.encode(x), mu, atol=1e-6)
    code = model._code(x, tf.ones([5, 2]), training=False)
    # the same float32 ops (an exp and an add: a few ulps) on codes of 0.5 to 2: 1e-5 is ~100 ulps
    np.testing.assert_allclose(code, mu + tf.exp(0.5 * logvar), rtol=1e-5)


def test_l2_decay_adds_l2_w_to_the_kernels_gradients_only():
    """With SGD (rate r) and a loss whose gradient is 0, one update moves every kernel w by -r l2 w
    and leaves the biases; l2 = 0 moves nothing."""
    for l2 in (0.0, 0.5):
        model = encoder_model("bigan", tf.distribute.get_strategy(), l2=l2)
        variables = model.optimized_variables("d_optimizer")
        before = [v.numpy() for v in variables]
        with tf.GradientTape() as tape:
            loss = 0.0 * tf.add_n([tf.reduce_sum(v) for v in variables])
        model._apply("d_optimizer", tape, loss)
        rate = float(model.d_optimizer.learning_rate)
        kernels = [v.path.endswith("kernel") for v in variables]
        assert sum(kernels) == 3 and len(variables) == 6
        for v, old, kernel in zip(variables, before, kernels):
            # one multiply-add in float32: a few ulps of w
            np.testing.assert_allclose(v.numpy(), old * (1 - rate * l2) if kernel else old, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="l2 \\(the weight decay\\) must be a number >= 0"):
        encoder_model("bigan", tf.distribute.get_strategy(), l2=-1.0)


def test_squash_puts_the_code_on_the_uniform_support_and_measures_its_logits():
    """The official --noise u-50 (dist.py UniformDistribution.logits_to_recon): z = 2 sigmoid(a) - 1 is
    what D and G see and what encode returns; the 1-NN metrics (features) use the logits a(x)."""
    model = encoder_model("bigan", tf.distribute.get_strategy(), squash=True)
    x = tf.random.normal([256, 2]) * 5.0
    logits = model.encoder(x, training=False)
    np.testing.assert_array_equal(model.features(x), logits)
    # sigmoid, a multiply and a subtract in float32: a few ulps of |z| <= 1
    np.testing.assert_allclose(model.encode(x), 2.0 / (1.0 + np.exp(-logits.numpy())) - 1.0, atol=1e-6)
    np.testing.assert_array_equal(model._code(x, None, training=False), model.encode(x))
    assert np.abs(model.encode(x)).max() <= 1.0 and model.get_config()["squash"] is True
    assert model.code_description == "E(x) = 2 sigmoid(a(x)) - 1"
    plain = encoder_model("bigan", tf.distribute.get_strategy())  # squash off: the code is the logits
    np.testing.assert_array_equal(plain.encode(x), plain.features(x))
    for bad in (dict(stochastic=True), dict(prior="normal")):
        with pytest.raises(ValueError, match="squash maps the code onto the uniform prior"):
            BiGAN(plain.generator, plain.encoder, plain.discriminator, squash=True, **bad)


def test_the_official_networks_have_no_bias_no_gain_and_condition_on_z_in_layer_two():
    """zoo.nets.bigan_mlp against jeffdonahue/bigan net.py (deconvnet_mnist_mlp, mnist_mlp with
    --nogain --nobias): parameter counts in closed form, N(0, 0.02) kernels, z only in layer 2 of D,
    pixels seen in [0, 1], samples in [-1, 1]."""
    from zoo import nets

    keras.utils.set_random_seed(0)
    g = nets.build_generator("bigan_mlp", 50, (28, 28, 1))
    e = nets.build("encoder", "bigan_mlp", (28, 28, 1), 50)
    d = nets.build("joint_discriminator", "bigan_mlp", (28, 28, 1), 50)
    w, p = 1024, 784
    assert g.count_params() == 50 * w + w * w + 50 * w + w * p + 2 * 2 * w  # + BN moving mean/var
    assert e.count_params() == p * w + w * w + w * 50 + 2 * w
    assert d.count_params() == p * w + w * w + 50 * w + w + 2 * w
    for net in (g, e, d):
        assert all(v.path.endswith("kernel") for v in net.trainable_variables), net.name
        for v in net.trainable_variables:
            if v.shape[0] * v.shape[1] >= 50 * w:  # >= 51,200 draws: the std within 2% (+- 5 standard errors)
                assert float(np.std(v.numpy())) == pytest.approx(0.02, rel=0.02)
    # D's first layer sees x alone: its activations do not move with z; its output does
    x = tf.random.normal([4, 28, 28, 1])
    z1, z2 = tf.zeros([4, 50]), tf.ones([4, 50])
    dense = [layer for layer in d.layers if isinstance(layer, keras.layers.Dense)][0]
    first = keras.Model(d.inputs, dense.output)  # the first kernel's output, x only
    np.testing.assert_array_equal(first([x, z1]), first([x, z2]))
    assert float(tf.reduce_max(tf.abs(d([x, z1]) - d([x, z2])))) > 1e-3
    # the pixels D's first kernel sees are (x + 1) / 2: x = -1 everywhere (a blank [0, 1] image) gives 0
    np.testing.assert_array_equal(first([-tf.ones([1, 28, 28, 1]), z1[:1]]), np.zeros([1, w], np.float32))
    samples = g(tf.random.uniform([64, 50], -1, 1), training=False).numpy()
    assert samples.shape == (64, 28, 28, 1) and -1 <= samples.min() and samples.max() <= 1
    with pytest.raises(ValueError, match="takes no noise input"):
        nets.build("encoder", "bigan_mlp", (28, 28, 1), 50, noise_dim=3)


def test_simultaneous_updates_take_both_gradients_before_either_update(mirrored):
    """update="simultaneous" (the official train_gan.py update_both): G and E step on D's weights from
    before D's step, so how far D moves cannot change them; alternating updates see the moved D. And
    one SGD step agrees between one device and two replicas."""
    def after_one_step(update, d_rate, strategy=tf.distribute.get_strategy()):
        model = encoder_model("bigan", strategy, squash=True, update=update)
        model.d_optimizer.learning_rate = d_rate
        fit_encoder_model(model, "bigan", 1)
        return model

    for update, same in (("simultaneous", True), ("alternating", False)):
        slow, fast = after_one_step(update, 0.0), after_one_step(update, 5.0)
        moved = max_weight_difference(slow.generator, fast.generator)
        assert (moved == 0.0) if same else (moved > 1e-4), (update, moved)
    one, two = after_one_step("simultaneous", 0.05), after_one_step("simultaneous", 0.05, mirrored)
    # the bound of tests/test_encoder_models.py's one-SGD-step parity for the BiGAN
    assert max_weight_difference(one, two) < sgd_step(step_gradient("bigan"))
    with pytest.raises(ValueError, match="unknown BiGAN update 'both'"):
        encoder_model("bigan", tf.distribute.get_strategy(), update="both")
