"""Config -> compiled model and training data, through the zoo's registries."""
import math

import keras

from train import precision, strategy as strategies
from zoo import data, nets, schedules
from zoo.errors import UserError, choose
from zoo.models import MODELS
from zoo.models.packing import packed_shape

OPTIMIZERS = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
              "sgd": keras.optimizers.SGD}


def optimizer(cfg, steps=None):
    """The optimizer of config entry `cfg`. Option `decay_from` (a fraction f in [0, 1) of `steps`,
    the run's config.steps): the learning rate stays constant for f * steps of this optimizer's
    updates, then falls linearly to 0 at `steps` updates (zoo.schedules.ConstantThenLinear; the
    official BiGAN recipe: f = 0.5). It counts the optimizer's own updates: exact for models that
    update each optimizer once per step."""
    options = dict(cfg)
    cls = choose("optimizer", options.pop("name"), OPTIMIZERS)
    decay_from = options.pop("decay_from", None)
    if decay_from is not None:
        if isinstance(decay_from, bool) or not isinstance(decay_from, (int, float)) or not 0 <= decay_from < 1:
            raise UserError(f"the optimizer option decay_from is a fraction of config.steps in [0, 1), "
                            f"not {decay_from!r}")
        options["learning_rate"] = schedules.ConstantThenLinear(options["learning_rate"], int(decay_from * steps),
                                                                steps)
    try:
        return cls(**options)
    except (TypeError, ValueError) as e:
        raise UserError(f"bad optimizer options {options}: {e}") from None


def _net_options(cfg):
    options = dict(cfg)
    return options.pop("name"), options


def steps_per_execution(config, replicas, start_step=0):
    """The block of steps Keras runs per call, from config.steps_per_execution.

    Keras runs whole blocks even past the end of an epoch, so the block must divide every epoch of
    the run to keep the step count exact: log_every, the last partial epoch (config.steps), and the
    first one of a run resumed at `start_step` between multiples of log_every. With more than one
    replica it must be 1: Keras 3.15 on TF 2.21 fails any multi-step execution under
    MirroredStrategy ("You must feed a value for placeholder tensor ... while/cond",
    keras-team/keras#19246; reproduced here with a plain Sequential model).
    """
    if replicas > 1:
        return 1
    return math.gcd(math.gcd(config.steps_per_execution, config.log_every), math.gcd(config.steps, start_step))


def jit_compile(config, replicas):
    """config.jit_compile with one replica; off with more: XLA cannot compile a step whose variables
    are mirrored on other devices (measured on TF 2.21 with 2 logical CPUs: "tf.Variable on a
    different device", tensorflow.org/xla/known_issues)."""
    return bool(config.jit_compile) and replicas == 1


def _net(role, cfg, *args):
    name, options = _net_options(cfg)
    return nets.build(role, name, *args, **options)


def _model_options(config):
    return dict(config.get("model_options", {}))


def _gan(config, shape):
    options = _model_options(config)
    generator = _net("generator", config.nets.generator, config.latent_dim, shape)
    # PacGAN's packing: the critic takes pac samples at once
    discriminator = _net("discriminator", config.nets.discriminator, packed_shape(shape, options.get("pac", 1)))
    parts = dict(generator=generator, discriminator=discriminator, **options)
    if "lens" in config.nets:  # the Tempered lens (configs.common.tempered)
        parts["lens"] = _net("lens", config.nets.lens, shape)
    return parts


def _bigan(config, shape):
    options = _model_options(config)
    code_dim = config.latent_dim * (2 if options.get("stochastic") else 1)  # ALI: [mu, logvar]
    return dict(generator=_net("generator", config.nets.generator, config.latent_dim, shape),
                encoder=_net("encoder", config.nets.encoder, shape, code_dim),
                discriminator=_net("joint_discriminator", config.nets.discriminator, shape, config.latent_dim),
                **options)


def _age(config, shape):
    return dict(generator=_net("generator", config.nets.generator, config.latent_dim, shape),
                encoder=_net("encoder", config.nets.encoder, shape, config.latent_dim),
                **_model_options(config))


def _avb(config, shape):
    return dict(encoder=_net("encoder", config.nets.encoder, shape, config.latent_dim),
                decoder=_net("generator", config.nets.decoder, config.latent_dim, shape),
                adversary=_net("joint_discriminator", config.nets.adversary, shape, config.latent_dim),
                **_model_options(config))


def _vae(config, shape):
    return dict(encoder=_net("encoder", config.nets.encoder, shape, 2 * config.latent_dim),  # [mu, logvar]
                decoder=_net("generator", config.nets.decoder, config.latent_dim, shape),
                **_model_options(config))


# model name -> config -> the model's constructor arguments (networks built from config.nets)
PARTS = {"gan": _gan, "bigan": _bigan, "age": _age, "avb": _avb, "vae": _vae}


def _parts(config, shape):
    """The networks (built under config.mixed_precision's policy, if any) and options of the model."""
    policy = precision.policy(config)
    if not policy:
        return PARTS[config.model](config, shape)
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        return PARTS[config.model](config, shape)
    finally:
        keras.mixed_precision.set_global_policy(previous)


def model(config, replicas=1, start_step=0):
    """The compiled model of `config` (call inside the strategy's scope); `start_step`: where training
    resumes (the block of steps per call divides the epochs from there, `steps_per_execution`).

    config.mixed_precision (train.precision: "mixed_float16" for GPUs, "mixed_bfloat16" for TPUs and
    recent CPUs, "auto"; GAN only) builds the networks under that Keras policy and, for float16, wraps
    every optimizer in a LossScaleOptimizer (whose skipped steps, on an overflow, do not advance the
    step counter).
    """
    cls = choose("model", config.model, MODELS)
    shape = data.data_shape(config.data)
    parts = _parts(config, shape)
    x_net = parts.get("generator", parts.get("decoder"))
    if tuple(x_net.outputs[0].shape[1:]) != tuple(shape):
        raise UserError(f"the {config.model} model's generator makes {tuple(x_net.outputs[0].shape[1:])}, "
                        f"but dataset {config.data.name!r} has shape {tuple(shape)}")
    try:
        built = cls(seed=config.seed, **parts)
    except (TypeError, ValueError) as e:  # an option the model does not take, or a bad value
        raise UserError(f"bad {config.model} options: {e}") from None
    wrap = keras.optimizers.LossScaleOptimizer if precision.policy(config) == "mixed_float16" else (lambda o: o)
    built.compile(**{name: wrap(optimizer(config[name], config.steps)) for name in built.optimizer_names},
                  steps_per_execution=steps_per_execution(config, replicas, start_step), jit_compile=jit_compile(config, replicas))
    return built


def critic_updates(config):
    """Critic updates per step (a GAN's n_critic; 1 for the other models): real sub-batches per step."""
    return _model_options(config).get("n_critic", 1)


def dataset(config, start_step=0):
    """The training stream of `config`, starting at generator update `start_step`."""
    return data.load(config.data, config.data.batch_size, config.seed, group=critic_updates(config),
                     start=start_step, download=config.data.download, split=config.data.get("split", "train"))


def validate(config, replicas):
    """Checks of a config that would otherwise fail deep inside TensorFlow; raises UserError."""
    cls = choose("model", config.model, MODELS)
    data.data_shape(config.data)
    options = _model_options(config)
    if config.model == "gan":
        cls.check_options(**options)  # the model's own checks, before anything is built
    names = cls.OPTIMIZERS + tuple(opt for net, opt in cls.OPTIONAL.items() if config.get(net))
    for name in names:
        if name not in config:
            raise UserError(f"the {config.model} model needs config.{name} (one per optimizer: "
                            f"{', '.join(names)})")
    from zoo.metrics import suite
    suite.check_features(config.eval.get("features", "classifier"))  # before training, not after it
    suite.check_ais(dict(config.eval.get("ais", {})))
    for key in ("steps", "log_every", "data.batch_size", "steps_per_execution", "latent_dim"):
        value = config.data.batch_size if key == "data.batch_size" else config[key]
        if not isinstance(value, int) or value < 1:
            raise UserError(f"config.{key} must be a positive integer, not {value!r}")
    if isinstance(config.seed, bool) or not isinstance(config.seed, int) or not 0 <= config.seed < 2 ** 31:
        raise UserError(f"config.seed must be an integer in [0, 2^31), not {config.seed!r}")
    strategies.intra_op_threads(config)
    if config.data.batch_size % replicas:
        raise UserError(f"config.data.batch_size ({config.data.batch_size}) must be divisible by "
                        f"the number of replicas ({replicas})")
    pac = options.get("pac", 1)
    if (config.data.batch_size // replicas) % pac:
        raise UserError(f"config.data.batch_size ({config.data.batch_size}) must be a multiple of "
                        f"config.model_options.pac ({pac}) on each of the {replicas} replica(s): the critic judges "
                        f"packs of {pac} samples")
    precision.validate(config)
    if "lens" in config.nets and config.model != "gan":
        raise UserError(f"the Tempered lens (config.nets.lens) is an option of the gan model, not {config.model!r}")
