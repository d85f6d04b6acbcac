"""A run's Spec (train.spec) -> its compiled model and training data, through the zoo's registries."""
import math

import keras

from train import optimizers, spec as specs
from zoo import data, nets
from zoo.errors import UserError
from zoo.models import MODELS
from zoo.models.packing import packed_shape

def steps_per_execution(spec, start_step=0):
    """The block of steps Keras runs per call, from config.steps_per_execution (`spec`: a train.spec.Spec).

    Keras runs whole blocks even past the end of an epoch, so the block must divide every epoch of
    the run to keep the step count exact: log_every, the last partial epoch (config.steps), and the
    first one of a run resumed at `start_step` between multiples of log_every. With more than one
    replica it must be 1: Keras 3.15 on TF 2.21 fails any multi-step execution under
    MirroredStrategy ("You must feed a value for placeholder tensor ... while/cond",
    keras-team/keras#19246; reproduced here with a plain Sequential model).
    """
    if spec.replicas > 1:
        return 1
    e = spec.execution
    return math.gcd(math.gcd(e.steps_per_execution, e.log_every), math.gcd(spec.steps, start_step))


def jit_compile(spec):
    """config.jit_compile with one replica; off with more: XLA cannot compile a step whose variables
    are mirrored on other devices (measured on TF 2.21 with 2 logical CPUs: "tf.Variable on a
    different device", tensorflow.org/xla/known_issues)."""
    return spec.execution.jit_compile and spec.replicas == 1


def _net(spec, name, *args):
    """The model's net `name` (config.nets.NAME), built by the zoo.nets role the model's net_roles gives it."""
    net = spec.nets[name]
    try:
        return nets.build(MODELS[spec.model.name].net_roles()[name], net.name, *args, **net.options)
    except UserError as e:  # an option its builder does not take
        raise UserError(f"config.nets.{name}: {e}") from None


def _gan(spec, shape):
    options = spec.model.options
    parts = dict(generator=_net(spec, "generator", spec.latent_dim, shape),
                 # PacGAN's packing: the critic takes pac samples at once
                 discriminator=_net(spec, "discriminator", packed_shape(shape, options.get("pac", 1))),
                 **options)
    if "lens" in spec.nets:  # the Tempered lens (configs.common.tempered)
        parts["lens"] = _net(spec, "lens", shape)
    return parts


def _bigan(spec, shape):
    options = spec.model.options
    code_dim = spec.latent_dim * (2 if options.get("stochastic") else 1)  # ALI: [mu, logvar]
    return dict(generator=_net(spec, "generator", spec.latent_dim, shape),
                encoder=_net(spec, "encoder", shape, code_dim),
                discriminator=_net(spec, "discriminator", shape, spec.latent_dim),
                **options)


def _age(spec, shape):
    return dict(generator=_net(spec, "generator", spec.latent_dim, shape),
                encoder=_net(spec, "encoder", shape, spec.latent_dim), **spec.model.options)


def _avb(spec, shape):
    return dict(encoder=_net(spec, "encoder", shape, spec.latent_dim),
                decoder=_net(spec, "decoder", spec.latent_dim, shape),
                adversary=_net(spec, "adversary", shape, spec.latent_dim), **spec.model.options)


def _vae(spec, shape):
    return dict(encoder=_net(spec, "encoder", shape, 2 * spec.latent_dim),  # [mu, logvar]
                decoder=_net(spec, "decoder", spec.latent_dim, shape), **spec.model.options)


# model name -> spec -> the model's constructor arguments (networks built from spec.nets)
PARTS = {"gan": _gan, "bigan": _bigan, "age": _age, "avb": _avb, "vae": _vae}


def _parts(spec, shape):
    """The networks (built under the run's precision policy, if any) and options of the model."""
    policy = spec.execution.precision
    if not policy:
        return PARTS[spec.model.name](spec, shape)
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        return PARTS[spec.model.name](spec, shape)
    finally:
        keras.mixed_precision.set_global_policy(previous)


def model(spec, replicas=None, start_step=0, constant=()):
    """The compiled model of `spec` (a train.spec.Spec, or a config that train.spec.read checks for
    `replicas` replicas; call inside the strategy's scope); `start_step`: where training resumes (the
    block of steps per call divides the epochs from there, `steps_per_execution`); `constant`: the
    optimizers built at their constant rate (train.optimizers.build).

    The run's precision (train.precision: "mixed_float16" for GPUs, "mixed_bfloat16" for TPUs and
    recent CPUs; GAN only) builds the networks under that Keras policy and, for float16, wraps every
    optimizer in a LossScaleOptimizer (whose skipped steps, on an overflow, do not advance the step
    counter).
    """
    spec = specs.read(spec, replicas)
    shape = data.data_shape(spec.data)
    parts = _parts(spec, shape)
    x_net = parts.get("generator", parts.get("decoder"))
    if tuple(x_net.outputs[0].shape[1:]) != tuple(shape):
        raise UserError(f"the {spec.model.name} model's generator makes {tuple(x_net.outputs[0].shape[1:])}, "
                        f"but dataset {spec.data['name']!r} has shape {tuple(shape)}")
    try:
        built = MODELS[spec.model.name](seed=spec.seed, **parts)
    except (TypeError, ValueError) as e:  # an option the model does not take, or a bad value
        raise UserError(f"bad {spec.model.name} options: {e}") from None
    wrap = keras.optimizers.LossScaleOptimizer if spec.execution.precision == "mixed_float16" else (lambda o: o)
    made = {name: wrap(optimizers.build(spec.optimizers[name], spec.steps, name in constant, key=name))
            for name in built.optimizer_names}
    built.compile(**made, steps_per_execution=steps_per_execution(spec, start_step),
                  jit_compile=jit_compile(spec))
    return built


def dataset(spec, start_step=0):
    """The training stream of `spec` (a train.spec.Spec or a config), starting at generator update `start_step`."""
    spec = specs.read(spec)
    return data.load(spec.data, spec.batch_size, spec.seed, group=spec.critic_updates, start=start_step,
                     download=spec.data.get("download", True), split=spec.data.get("split", "train"))
