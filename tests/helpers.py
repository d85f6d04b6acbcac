"""Small builders shared by the tests."""
import hashlib
import os

import keras
import numpy as np

from zoo import data, nets
from zoo.models import GAN
from zoo.models.packing import packed_shape


def user_env(**extra):
    """os.environ as a user's shell has it, for a command run in a subprocess: without the
    TF_CPP_MIN_LOG_LEVEL that conftest sets (it lets TensorFlow's E lines by), plus `extra`."""
    return {**{k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}, **extra}


OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.05),
    "adam": lambda: keras.optimizers.Adam(1e-3, beta_1=0.5),
    "rmsprop": lambda: keras.optimizers.RMSprop(5e-4),
}


def toy_gan(strategy, objective="non_saturating", n_critic=1, gp_weight=0.0, clip_value=0.0,
            optimizer="sgd", seed=3, width=32, lens_k=None, pac=1):
    """A small BN-free MLP GAN on the ring, built and compiled inside `strategy`'s scope; with a
    Tempered lens (16 units, 1 block) annealed over `lens_k` steps unless that is None, and a critic
    of packs of `pac` points."""
    keras.utils.set_random_seed(1)  # same initial weights whatever the strategy
    with strategy.scope():
        g = nets.build_generator("mlp", 2, (2,), widths=(width, width))
        d = nets.build_discriminator("mlp", packed_shape((2,), pac), widths=(width, width))
        lens = {} if lens_k is None else dict(lens=nets.build("lens", "lens", (2,), width=16, depth=1),
                                              lens_k=lens_k)
        model = GAN(g, d, objective=objective, n_critic=n_critic, gp_weight=gp_weight,
                    clip_value=clip_value, seed=seed, pac=pac, **lens)
        model.compile(**{name: OPTIMIZERS[optimizer]() for name in model.optimizer_names})
    return model


def fit(model, steps, batch_size=64, data_seed=5, callbacks=()):
    ds = data.load("ring", batch_size, seed=data_seed, group=model.n_critic)
    return model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False,
                     callbacks=list(callbacks)).history


def max_weight_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a.get_weights(), b.get_weights()))


def encoder_model(kind, strategy, optimizer="sgd", seed=3, width=32, **options):
    """A small BN-free model of `kind` (bigan, ali, age, avb, avb_ac, vae) for the ring (BiGAN, ALI:
    2-d data, 2-d codes; AGE: 8-d codes) or the 4-point problem (AVB, VAE), compiled inside `strategy`'s scope."""
    from zoo.models import AGE, AVB, VAE, BiGAN

    keras.utils.set_random_seed(1)
    widths = (width, width)
    with strategy.scope():
        opt = lambda: OPTIMIZERS[optimizer]()  # noqa: E731
        if kind in ("bigan", "ali"):
            g = nets.build_generator("mlp", 2, (2,), widths=widths)
            e = nets.build("encoder", "mlp", (2,), 4 if kind == "ali" else 2, widths=widths)
            d = nets.build("joint_discriminator", "mlp", (2,), 2, widths=widths)
            model = BiGAN(g, e, d, stochastic=kind == "ali", prior="normal" if kind == "ali" else "uniform",
                          seed=seed, **options)
            model.compile(g_optimizer=opt(), d_optimizer=opt())
        elif kind == "age":  # 8-d codes: on the 2-d sphere (a circle) batch codes nearly collapse
            g = nets.build_generator("mlp", 8, (2,), widths=widths)
            e = nets.build("encoder", "mlp", (2,), 8, widths=widths)
            model = AGE(g, e, seed=seed, **{"mu": 1.0, "lam": 1.0, **options})
            model.compile(e_optimizer=opt(), g_optimizer=opt())
        elif kind in ("avb", "avb_ac"):
            e = nets.build("encoder", "mlp", (4,), 2, noise_dim=3, widths=widths)
            dec = nets.build_generator("mlp", 2, (4,), widths=widths)
            t = nets.build("joint_discriminator", "mlp", (4,), 2, widths=widths)
            model = AVB(e, dec, t, adaptive_contrast=kind == "avb_ac", seed=seed, **options)
            model.compile(vae_optimizer=opt(), d_optimizer=opt())
        elif kind == "vae":
            e = nets.build("encoder", "mlp", (4,), 4, widths=widths)
            dec = nets.build_generator("mlp", 2, (4,), widths=widths)
            model = VAE(e, dec, seed=seed, **options)
            model.compile(vae_optimizer=opt())
        else:
            raise ValueError(kind)
    return model


def encoder_data(kind, batch_size=64, data_seed=5):
    name = "four_points" if kind in ("avb", "avb_ac", "vae") else "ring"
    return data.load(name, batch_size, seed=data_seed)


def fit_encoder_model(model, kind, steps, batch_size=64):
    return model.fit(encoder_data(kind, batch_size), steps_per_epoch=steps, epochs=1, verbose=0,
                     shuffle=False).history


# model families of the parity matrix: name -> builder of (model, data of global batches)
PARITY = {
    "non_saturating": dict(objective="non_saturating"),
    "least_squares": dict(objective="least_squares"),
    "wgan_gp": dict(objective="wasserstein", n_critic=5, gp_weight=10.0),
    "f_gan_kl": dict(objective=dict(name="f_gan", divergence="kl")),
    "lens": dict(objective="non_saturating", lens_k=10),
}
ENCODER_KINDS = ("bigan", "ali", "age", "avb", "avb_ac", "vae")
# The size of one SGD step's gradients (max |step| / lr from the initial weights, over the step's n_critic
# critic updates and its generator update; the weights and data fix it, the CPU moves its 7th digit):
# measured <= 0.86 for every family not listed (least squares with packs of 2 0.86, minimax with packs of
# 2 0.23, f-GAN KL with packs of 2 0.64, NS-GAN with packs of 4 0.17), f-GAN alpha 3.7, WGAN 8.3 (its
# clipping included; with packs of 2 the same: clipping the same initial weights sets the largest step),
# WGAN-GP 5.0, WGAN-GP with packs of 2 3.3, AVB with adaptive contrast 2.6, AGE 13.1. The parity bounds
# scale with it (tests.tolerances.sgd_step).
STEP_GRADIENT = {"f_gan_alpha": 10.0, "wgan": 10.0, "wgan_pac2": 10.0, "wgan_gp": 10.0, "wgan_gp_pac2": 10.0,
                 "avb_ac": 10.0, "age": 20.0}


def step_gradient(family):
    return STEP_GRADIENT.get(family, 1.0)


def parity_model(family, strategy, optimizer):
    """(model, make_data) of a parity-matrix family: a GAN recipe of PARITY or an encoder model kind,
    built in `strategy`'s scope; make_data() gives its dataset of global batches of 64."""
    if family in ENCODER_KINDS:
        return encoder_model(family, strategy, optimizer), lambda: encoder_data(family, 64)
    model = toy_gan(strategy, optimizer=optimizer, **PARITY[family])
    return model, lambda: data.load("ring", 64, seed=5, group=model.n_critic)


def image_bigan_export(directory, seed=2, latent_dim=4, width=16, prior="uniform", formats=("saved_model", "onnx")):
    """An untrained BiGAN on 28x28x1 images (MLP nets, MNIST's metadata) exported to `directory`;
    returns the model. For the encoders' image input, the browser page and the light install."""
    from export import lib as export_lib
    from zoo.models import BiGAN

    keras.utils.set_random_seed(seed)
    shape = (28, 28, 1)
    model = BiGAN(nets.build_generator("mlp", latent_dim, shape, widths=(width,), output_activation="tanh"),
                  nets.build("encoder", "mlp", shape, latent_dim, widths=(width,)),
                  nets.build("joint_discriminator", "mlp", shape, latent_dim, widths=(width,)), prior=prior)
    model.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    info = dict(data=export_lib.data_info("mnist"), model="bigan", objective=None, config="test_bigan", steps=0,
                metrics={})
    export_lib.export(model, str(directory), info, formats=formats)
    return model


def snapshot(folder):
    """{relative path: SHA-256 (or 'dir')} of everything under `folder`."""
    out = {}
    for base, dirs, names in os.walk(folder):
        for name in dirs:
            out[os.path.relpath(os.path.join(base, name), folder)] = "dir"
        for name in names:
            with open(os.path.join(base, name), "rb") as f:
                out[os.path.relpath(os.path.join(base, name), folder)] = hashlib.sha256(f.read()).hexdigest()
    return out
