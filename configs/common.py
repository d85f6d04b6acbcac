"""Shared config skeletons. Every config has: name, model, seed, steps (training steps: generator
updates for a GAN), latent_dim, data.name, data.batch_size (GLOBAL), data.path/image_size/channels/resize
(a folder of images: data.name="folder"), nets (one entry per network role), eval.num_samples,
eval.features, eval.every, eval.ais, log_every, steps_per_execution, jit_compile, intra_op_threads,
and one optimizer config per optimizer of the model.

Every plug-in takes one form, {name: ..., **its options}: data (the dataset's name and options), each
net (a builder of zoo.nets and its options), each optimizer (a Keras optimizer and its keyword
arguments) and the model: model.name (a name of zoo.models.MODELS) and the keyword arguments of its
class (zoo/models/MODEL.py), the GAN's objective, n_critic, gp_weight, clip_value and pac among them;
the GAN's objective is a plug-in of its own, model.objective = {name, **its options}."""
from ml_collections import ConfigDict, config_dict

from configs import MLP_BATCH_NORM

# config.data's keys for a folder of one's own images (zoo.data.folder.DEFAULTS, tested equal)
FOLDER_DEFAULTS = dict(path="", image_size=64, channels=3, resize="center_crop")


def optimizer(name, learning_rate, **kwargs):
    return ConfigDict(dict(name=name, learning_rate=learning_rate, **kwargs))


def base(name, model, data, nets, steps, batch_size, latent_dim, log_every=500, steps_per_execution=1,
         jit_compile=False, intra_op_threads=0, num_samples=2500, eval_every=0):
    """The keys every config has; each model adds its optimizers (one key per name in the model's
    OPTIMIZERS) and its options."""
    c = ConfigDict()
    c.name = name
    c.model = ConfigDict(dict(name=model))  # each model adds its options (its class's keyword arguments)
    c.seed = 0
    c.steps = steps
    c.latent_dim = latent_dim
    # data.path, image_size, channels, resize: a folder of one's own images (data.name="folder",
    # zoo.data.folder); left at these defaults for every other dataset
    c.data = ConfigDict(dict(name=data, batch_size=batch_size, download=True, **FOLDER_DEFAULTS))
    c.nets = ConfigDict(nets)
    # evaluation (zoo.metrics.suite): samples drawn for the metrics, features for FID/KID on RGB data
    # ("classifier": the zoo's MNIST network; "inception": Keras' Inception-v3, needs a download),
    # and every how many steps the metrics also go to TensorBoard during training (0: only at the end),
    # on every_samples samples (0: num_samples; fewer make a cheap curve, the final metrics keep num_samples);
    # encoder_examples: the encoder metrics on the first N images of each split (0: all, the protocol)
    c.eval = ConfigDict(dict(num_samples=num_samples, features="classifier", every=eval_every, every_samples=0,
                             encoder_examples=0))
    # the VAE's and AVB's likelihood by annealed importance sampling (zoo.metrics.ais) on the first
    # `examples` test images (0: none), with `chains` chains per image, `steps` intermediate
    # distributions and `leapfrog` steps per HMC transition (zoo.metrics.suite.AIS, the same defaults)
    c.eval.ais = ConfigDict(dict(examples=100, chains=16, steps=500, leapfrog=5))
    # one Keras "epoch" = log_every steps: checkpoints, backups, samples and scalars are per epoch
    c.log_every = log_every
    c.steps_per_execution = steps_per_execution
    c.jit_compile = jit_compile  # XLA-compile the train step
    # CPU threads one op may use (0: TensorFlow's default, all cores); 1 runs the many small ops of an
    # MLP step side by side on the cores instead of splitting each one (benchmarks/settings.py)
    c.intra_op_threads = intra_op_threads
    # what the networks compute in (train.precision): "auto" (bfloat16 for a GAN on images where the CPU has
    # AVX-512 BF16 or AMX, float32 elsewhere; decided when a run starts and kept in its config.json),
    # "float32", or, GAN only, "mixed_float16" (GPUs; loss-scaled) or "mixed_bfloat16" (GPUs, TPUs, CPUs
    # with AVX-512 BF16 or AMX; emulated and several times slower on other CPUs, which the trainer says)
    c.mixed_precision = config_dict.placeholder(str)
    c.mixed_precision = "auto"
    return c


def gan(name, objective, data, nets, g_optimizer, d_optimizer, steps, batch_size, latent_dim,
        n_critic=1, gp_weight=0.0, clip_value=0.0, pac=1, **kwargs):
    """A GAN config: the objective and its critic's options are the gan model's options
    (config.model, zoo.models.GAN's keyword arguments), as every other model's are; the objective is
    {name: OBJECTIVE} (--config.model.objective.name=NAME; f_gan adds its options, see f_gan)."""
    c = base(name, "gan", data, nets, steps, batch_size, latent_dim, **kwargs)
    # n_critic: critic updates per generator update; gp_weight > 0: WGAN-GP's penalty; clip_value > 0:
    # WGAN's weight clipping; pac: PacGAN's packing (Lin et al. 2018), the critic judges `pac` samples at
    # once (1: one, the plain GAN); data.batch_size stays the number of samples per step, so the critic
    # sees batch_size / pac packs
    c.model.update(dict(objective=ConfigDict(dict(name=objective)), n_critic=n_critic, gp_weight=gp_weight,
                        clip_value=clip_value, pac=pac))
    c.g_optimizer = g_optimizer
    c.d_optimizer = d_optimizer
    return c


def encoder_model(name, model, data, nets, optimizers, steps, batch_size, latent_dim, options, **kwargs):
    """A BiGAN/ALI, AGE, AVB or VAE config: `optimizers` maps the model's optimizer names to
    optimizer configs; `options` are the model's keyword arguments (zoo/models/MODEL.py)."""
    c = base(name, model, data, nets, steps, batch_size, latent_dim, **kwargs)
    c.update(optimizers)
    c.model.update(options)
    return c


# Steps per Keras call for the MNIST configs, measured with benchmarks/throughput.py on 2 cores:
# fit / bare loop = 0.948 with 1 step per call, 0.983 with 25; in benchmarks/results/settings.md
# 25 ran the MLP models (VAE, AVB, BiGAN) 1.0-1.4x faster than 1 and the DCGANs within 10%.
MNIST_BLOCK = 25
# CPU threads per op for the small-MLP toys (GAN recipes on the mixtures, the 4-point VAE/AVB), from
# benchmarks/results/settings.md on 2 cores: one thread per op, the ops side by side, ran nsgan_toy
# at 1.31x, vae_toy at 1.54x, wgan_toy at 1.27x and wgangp_toy at 1.16x the updates/s of TensorFlow's
# default (every op on all cores)
TOY_THREADS = 1
# Generated samples for the MNIST metrics (fid10k_test, kid10k_test, cs10k, parzen10k)
MNIST_SAMPLES = 10_000


# PacGAN's toy networks and optimiser (Lin et al. 2018, App. D; the official code,
# fjxmlzn/PacGAN synthetic_data_experiments/2D*_GAN&PacGAN): G 4 x 400 ReLU with batch norm and no
# hidden biases, D 3 x maxout(200 units, 5 pieces) + linear, every kernel N(0, 0.02^2), biases 0;
# Adam lr 1e-4, beta1 0.8; 100 packs per step; 400 epochs of 100,000 packs = 400,000 updates.
PACGAN_INIT_STD = 0.02
PACGAN_PACKS = 100
PACGAN_UPDATES = 400_000
# Batch norm of zoo.nets.mlp: the configs list Keras's defaults (MLP_BATCH_NORM), which every recorded
# toy and MNIST run used; PacGAN's Blocks code has epsilon 1e-4 and population statistics new = 0.95
# old + 0.05 batch (--config.nets.generator.batch_norm_epsilon=1e-4 --config.nets.generator.batch_norm_momentum=0.95)


def toy_mlp(g_widths=(400, 400, 400, 400), d_widths=(200, 200, 200)):
    """PacGAN's toy networks (see PACGAN_INIT_STD; batch norm: MLP_BATCH_NORM)."""
    return dict(generator=dict(name="mlp", widths=g_widths, activation="relu", batch_norm=True,
                               init_std=PACGAN_INIT_STD, **MLP_BATCH_NORM),
                discriminator=dict(name="mlp", widths=d_widths, activation="maxout", pieces=5,
                                   init_std=PACGAN_INIT_STD))


def toy_gan(name, objective, pac=1, steps=10_000):
    """PacGAN's toy recipe (networks, Adam 1e-4 beta1 0.8, 100 packs of `pac` samples per step,
    z ~ N(0, I_2)), shared by the minimax, non-saturating, least-squares, PacGAN2 and f-GAN configs.

    The budget is 2.5% of PacGAN's 400,000 updates: on 2 cores, unpacked, about 2 minutes on earlier
    sessions' CPUs (11 ms per update) and 277 s on an AVX2-only EPYC (25 ms; packed in pairs 292 s,
    28 ms). Unpacked (nsgan_toy) it covers the ring's 8 modes in most seeds, not all, and which ones
    depends on the CPU's rounding: seeds 0-2 gave 8, 6, 8 modes on earlier sessions' CPUs and seed 0
    gave 6 on an AVX2-only EPYC. Packed in pairs (pacgan_toy, the default run) seeds 0-2 covered
    8 / 8 on both (README; benchmarks/toy_modes.py shows modes against updates, to 80,000). The
    learning rate is the paper's: with batch norm in G, 1e-4 covers the modes (an earlier 1e-3 was
    chosen for a G without batch norm, which at 1e-4 never left its first collapse). XLA ran the
    unpacked step 1.2x faster at the default threading (2 cores, benchmarks/results/settings.md) but
    is not the default: its rounding changes the runs' outcomes (unpacked, seeds 0-2 at 10,000
    updates: 7, 8, 8 modes with XLA, 8, 6, 8 without, neither worse);
    --config.jit_compile=True --config.intra_op_threads=0 turns it on.
    """
    adam = optimizer("adam", 1e-4, beta_1=0.8)
    return gan(name, objective, "ring", toy_mlp(), adam, adam.copy_and_resolve_references(),
               steps=steps, batch_size=PACGAN_PACKS * pac, latent_dim=2, pac=pac,
               steps_per_execution=100, intra_op_threads=TOY_THREADS)


def mnist_dcgan(d_norm="batch"):
    return dict(generator=dict(name="dcgan", width=64, norm="batch"),
                discriminator=dict(name="dcgan", width=64, norm=d_norm))


def mnist_gan(name, objective):
    """DCGAN on MNIST (Radford et al. 2016): batch norm, Adam 2e-4 beta1 0.5, batch 64, z 100-d."""
    adam = optimizer("adam", 2e-4, beta_1=0.5)
    return gan(name, objective, "mnist", mnist_dcgan(), adam, adam.copy_and_resolve_references(),
               steps=10_000, batch_size=64, latent_dim=100, steps_per_execution=MNIST_BLOCK,
               num_samples=MNIST_SAMPLES)


def f_gan(config, divergence="kl"):
    """Turns a GAN config into an f-GAN one (Nowozin et al. 2016): config.model.objective is
    {name: "f_gan", **its options}: `divergence` (--config.model.objective.divergence=NAME),
    `divergence_param` (pi for js_weighted, alpha for alpha; --config.model.objective.divergence_param=X)
    and the generator update `g_update` ("alternative", the paper's, maximises E_Q[g_f(V)]; "saddle"
    minimises -E_Q[f*(g_f(V))])."""
    # output_bound: the critic output V enters as B tanh(V / B): finite losses where D_f is infinite
    # (see zoo.objectives.fdiv.fgan_objective); 20 keeps exp(V) terms below 5e8 and moves |V| = 1 by
    # 0.08%; 0 = the raw V
    config.model.objective = ConfigDict(dict(
        name="f_gan", divergence=divergence, divergence_param=config_dict.placeholder(float),
        g_update="alternative", output_bound=20.0))
    return config


def bigan_mnist_nets():
    """The official BiGAN's MNIST layer widths in zoo.nets.mlp form (ali_mnist's networks): G 2 x 1024
    FC with batch norm and ReLU; E 2 x 1024 FC with batch norm and LeakyReLU; D a 2 x 1024 LeakyReLU
    MLP on the concatenation [x, z]; with biases and batch-norm gains, which the official networks
    lack (those are bigan_official_nets). Outputs in [-1, 1] (tanh) where the official code has a
    sigmoid on [0, 1]."""
    return dict(
        generator=dict(name="mlp", widths=(1024, 1024), activation="relu", batch_norm=True,
                       output_activation="tanh", **MLP_BATCH_NORM),
        encoder=dict(name="mlp", widths=(1024, 1024), activation="leaky_relu", batch_norm=True,
                     **MLP_BATCH_NORM),
        discriminator=dict(name="mlp", widths=(1024, 1024), activation="leaky_relu"))


def bigan_official_nets():
    """The official BiGAN's MNIST networks as they are (zoo.nets.bigan_mlp): no biases, batch norm
    without gain or offset, N(0, 0.02) kernels, z entering the second hidden layer of G and D."""
    return dict(generator=dict(name="bigan_mlp", width=1024), encoder=dict(name="bigan_mlp", width=1024),
                discriminator=dict(name="bigan_mlp", width=1024))


def binary_mlp_nets(width, noise_dim=0, adversary=False):
    """MLPs for the VAE and AVB on binary data: encoder and decoder 2 x `width` (the AVB encoder
    takes a `noise_dim` noise input); the AVB adversary T(x, z) 2 x `width` on [x, z]."""
    nets = dict(encoder=dict(name="mlp", widths=(width, width), activation="leaky_relu"),
                decoder=dict(name="mlp", widths=(width, width), activation="leaky_relu"))
    if noise_dim:
        nets["encoder"]["noise_dim"] = noise_dim
    if adversary:
        nets["adversary"] = dict(name="mlp", widths=(width, width), activation="leaky_relu")
    return nets


def tempered(config, name, k, width=32, depth=8):
    """Adds the Tempered lens (Sajjadi et al. 2018) to a GAN config: nets.lens (zoo.nets.lens, the
    paper's 32-channel, 8-block lens by default), model.lens_k (K, generator updates over
    which the lens's adversarial weight anneals from 1 to 0: --config.model.lens_k=K) and
    lens_optimizer (a copy of the critic's optimizer)."""
    config.name = name
    config.nets.lens = ConfigDict(dict(name="lens", width=width, depth=depth))
    config.model.lens_k = k
    config.lens_optimizer = config.d_optimizer.copy_and_resolve_references()
    return config


# the GAN recipes a Tempered config can build on (configs/RECIPE_KIND.py)
BASE_RECIPES = ("mmgan", "nsgan", "lsgan", "wgan", "wgangp", "fgan")


def base_recipe(kind, recipe):
    """configs/RECIPE_KIND.py's config (a Tempered config builds on it), or a clear error."""
    import importlib

    if recipe not in BASE_RECIPES:
        raise ValueError(f"unknown base recipe {recipe!r} for tempered_{kind}; choose one of: "
                         f"{', '.join(BASE_RECIPES)} (--config=configs/tempered_{kind}.py:RECIPE)")
    return importlib.import_module(f"configs.{recipe}_{kind}").get_config()
