"""Config -> compiled model and training data, through the zoo's registries."""
import math

import keras

from zoo import data, nets
from zoo.errors import UserError, choose
from zoo.models import MODELS

OPTIMIZERS = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
              "sgd": keras.optimizers.SGD}


def optimizer(cfg):
    options = dict(cfg)
    cls = choose("optimizer", options.pop("name"), OPTIMIZERS)
    try:
        return cls(**options)
    except (TypeError, ValueError) as e:
        raise UserError(f"bad optimizer options {options}: {e}") from None


def _net_options(cfg):
    options = dict(cfg)
    return options.pop("name"), options


def steps_per_execution(config, replicas):
    """The block of steps Keras runs per call, from config.steps_per_execution.

    Keras runs whole blocks even past the end of an epoch, so the block must divide log_every to
    keep the step count exact. With more than one replica it must be 1: Keras 3.15 on TF 2.21
    fails any multi-step execution under MirroredStrategy ("You must feed a value for placeholder
    tensor ... while/cond", keras-team/keras#19246; reproduced here with a plain Sequential model).
    """
    return 1 if replicas > 1 else math.gcd(config.steps_per_execution, config.log_every)


def objective_options(config):
    """The f-GAN keys of a config (absent from the other configs)."""
    return dict(divergence=config.get("divergence"), divergence_param=config.get("divergence_param"),
                g_update=config.get("g_update", "alternative"), output_bound=config.get("output_bound") or None)


def model(config, replicas=1):
    """The compiled model of `config` (call inside the strategy's scope)."""
    choose("model", config.model, MODELS)
    shape = data.data_shape(config.data.name)
    g_name, g_options = _net_options(config.nets.generator)
    d_name, d_options = _net_options(config.nets.discriminator)
    generator = nets.build_generator(g_name, config.latent_dim, shape, **g_options)
    discriminator = nets.build_discriminator(d_name, shape, **d_options)
    if tuple(generator.outputs[0].shape[1:]) != tuple(shape):
        raise UserError(f"the {g_name!r} generator makes {tuple(generator.outputs[0].shape[1:])}, "
                        f"but dataset {config.data.name!r} has shape {tuple(shape)}")
    gan = MODELS[config.model](generator, discriminator, objective=config.objective,
                               n_critic=config.n_critic, gp_weight=config.gp_weight,
                               clip_value=config.clip_value, seed=config.seed,
                               **objective_options(config))
    gan.compile(g_optimizer=optimizer(config.g_optimizer), d_optimizer=optimizer(config.d_optimizer),
                steps_per_execution=steps_per_execution(config, replicas),
                jit_compile=config.jit_compile)
    return gan


def dataset(config, start_step=0):
    """The training stream of `config`, starting at generator update `start_step`."""
    return data.load(config.data.name, config.data.batch_size, config.seed,
                     group=config.n_critic, start=start_step, download=config.data.download)


def validate(config, replicas):
    """Checks of a config that would otherwise fail deep inside TensorFlow; raises UserError."""
    choose("model", config.model, MODELS)
    data.data_shape(config.data.name)
    from zoo import objectives
    objectives.make(config.objective, **objective_options(config))
    from zoo.metrics import suite
    suite.check_features(config.eval.get("features", "classifier"))  # before training, not after it
    for key in ("steps", "log_every", "n_critic", "data.batch_size", "steps_per_execution", "latent_dim"):
        value = config[key.split(".")[0]][key.split(".")[1]] if "." in key else config[key]
        if not isinstance(value, int) or value < 1:
            raise UserError(f"config.{key} must be a positive integer, not {value!r}")
    if config.steps % config.log_every:
        raise UserError(f"config.steps ({config.steps}) must be a multiple of config.log_every "
                        f"({config.log_every}), the number of steps between checkpoints")
    if config.data.batch_size % replicas:
        raise UserError(f"config.data.batch_size ({config.data.batch_size}) must be divisible by "
                        f"the number of replicas ({replicas})")
    if config.clip_value > 0 and config.gp_weight > 0:
        raise UserError("choose weight clipping (clip_value) or a gradient penalty (gp_weight), not both")
