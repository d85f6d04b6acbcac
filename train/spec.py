"""A run's config read once, at the edge: checked, and split into the typed parts the trainer hands down.

    config (configs/NAME.py, an ml_collections.ConfigDict) --read--> Spec
        .model       Part: the zoo model's name (config.model.name) and options (the rest of
                     config.model: the keyword arguments of its class in zoo/models/)
        .nets        {role: Part}: each network's builder name and options (config.nets.ROLE)
        .optimizers  {compile keyword: Part}: each optimizer of the model (config.g_optimizer, ...)
        .data        the dataset's entry (config.data: name and options, what zoo.data reads)
        .execution   how a step runs: precision (a Keras policy or None), steps_per_execution,
                     jit_compile, log_every (one Keras epoch: a checkpoint)
        .steps, .eval, .intra_op_threads   what a resumed run may change (the fields marked RESUMABLE)
        .name, .seed, .latent_dim, .replicas

Every plug-in has one form, {name: ..., **its options} (`Part`). `read` is the one place a config is
checked (a UserError names the key): the model's name and its own option checks, its nets (the roles
it has, each a builder of the zoo.nets role the model's net_roles gives it), its optimizers
(train.optimizers.check), the data, the evaluation, the sizes. Everything downstream (train.build,
the trainer, the callbacks) takes the Spec and checks nothing again; what only building can find (an
option a Keras class or net builder does not take) is one sentence there, before anything is
written. `read` of a Spec returns it unchanged, so a script may hand either to train.build.
"""
import copy
import dataclasses

from train import optimizers, precision, runtime
from zoo import data as datasets, nets as networks
from zoo.errors import UserError, choose, is_integer, positive
from zoo.models import MODELS


@dataclasses.dataclass(frozen=True)
class Part:
    """A plug-in of the config: its registry name and its options."""
    name: str
    options: dict

    @classmethod
    def of(cls, entry, what):
        options = _plain(entry)
        if not isinstance(options, dict) or not isinstance(options.get("name"), str):
            raise UserError(f"config.{what} needs a name: {{name: ..., **its options}}, not {options!r}")
        name = options.pop("name")
        return cls(name, options)


@dataclasses.dataclass(frozen=True)
class Execution:
    precision: str | None  # the networks' Keras dtype policy (None: float32)
    steps_per_execution: int
    jit_compile: bool
    log_every: int


RESUMABLE = {"resumable": True}  # the metadata of a Spec field a resumed run may change


@dataclasses.dataclass(frozen=True)
class Spec:
    name: str
    model: Part
    nets: dict  # role -> Part
    optimizers: dict  # compile keyword -> Part
    data: dict
    execution: Execution
    # how long a run trains, what it measures and how fast it computes, not what it trains: the only
    # parts a run resumed on its workdir may change (their config keys are RUN_KEYS, below)
    steps: int = dataclasses.field(metadata=RESUMABLE)
    eval: dict = dataclasses.field(metadata=RESUMABLE)
    intra_op_threads: int = dataclasses.field(metadata=RESUMABLE)
    seed: int
    latent_dim: int
    replicas: int

    @property
    def batch_size(self):
        return self.data["batch_size"]

    @property
    def critic_updates(self):
        """Critic updates per step (a GAN's n_critic; 1 for the other models): real sub-batches per step."""
        return self.model.options.get("n_critic", 1)


# the top-level config keys of the RESUMABLE fields: the only ones train.workdir.check_config lets differ
RUN_KEYS = tuple(f.name for f in dataclasses.fields(Spec) if f.metadata == RESUMABLE)


def _plain(node):
    """A ConfigDict (or mapping) as plain nested dicts, sharing nothing with it (lists included)."""
    return copy.deepcopy(node.to_dict() if hasattr(node, "to_dict") else node)


def read(config, replicas=None):
    """The Spec of `config` for a run on `replicas` replicas (default 1), or a UserError naming the
    first bad key. A Spec is returned as it is (it was read for its own replicas: asking for others is
    a ValueError)."""
    if isinstance(config, Spec):
        if replicas not in (None, config.replicas):
            raise ValueError(f"this Spec was read for {config.replicas} replica(s), not {replicas}: read the config again")
        return config
    try:
        return _read(config, replicas or 1)
    except (AttributeError, KeyError) as e:  # a key every config has (configs/common.py base) is missing
        raise UserError(f"the config lacks a key every run needs ({e})") from None


def _read(config, replicas):
    model = Part.of(config.model, "model")
    cls = choose("model", model.name, MODELS)
    data = _plain(config.data)
    datasets.data_shape(data)  # an unknown dataset, or a folder's bad options
    options = model.options
    cls.check_options(**options)  # the model's own checks (an option it does not take), before anything is built
    nets = {role: Part.of(entry, f"nets.{role}") for role, entry in config.nets.items()}
    roles = cls.net_roles()
    for role, net in nets.items():
        if role not in roles:
            raise UserError(f"the {model.name} model has no net {role!r} (config.nets.{role}); its nets are: "
                            f"{', '.join(roles)}")
        try:
            networks.builder(roles[role], net.name)
        except UserError as e:
            built_as = "" if roles[role] == role else f" (the {model.name} model's {role} is a {roles[role]} net)"
            raise UserError(f"config.nets.{role}{built_as}: {e}") from None
    for role in cls.NETS:
        if role not in nets:
            raise UserError(f"the {model.name} model needs config.nets.{role}")
    names = cls.OPTIMIZERS + tuple(opt for net, opt in cls.OPTIONAL.items() if net in nets)
    for name in names:
        if name not in config:
            raise UserError(f"the {model.name} model needs config.{name} (one per optimizer: {', '.join(names)})")
    parts = {name: Part.of(config[name], name) for name in names}
    for name, part in parts.items():
        optimizers.check(part, name)
    from zoo.metrics import suite

    evaluation = _plain(config.eval)
    suite.check_features(evaluation.get("features", "classifier"))  # before training, not after it
    suite.check_ais(dict(evaluation.get("ais", {})))
    suite.check_encoder_examples(evaluation.get("encoder_examples", 0))
    for key in ("steps", "log_every", "steps_per_execution", "latent_dim"):
        positive(key, config[key])
    batch_size = positive("data.batch_size", data["batch_size"])
    if not is_integer(config.seed, 0, 2 ** 31 - 1):
        raise UserError(f"config.seed must be an integer in [0, 2^31), not {config.seed!r}")
    threads = runtime.intra_op_threads(config)
    if batch_size % replicas:
        raise UserError(f"config.data.batch_size ({batch_size}) must be divisible by the number of replicas "
                        f"({replicas})")
    pac = options.get("pac", 1)
    if (batch_size // replicas) % pac:
        raise UserError(f"config.data.batch_size ({batch_size}) must be a multiple of config.model.pac "
                        f"({pac}) on each of the {replicas} replica(s): the critic judges packs of {pac} samples")
    precision.validate(config)
    return Spec(
        name=config.get("name", model.name), model=model, nets=nets, optimizers=parts,
        data=data,
        execution=Execution(precision=precision.policy(config), steps_per_execution=config.steps_per_execution,
                            jit_compile=bool(config.jit_compile), log_every=config.log_every),
        steps=config.steps, eval=evaluation, intra_op_threads=threads,
        seed=config.seed, latent_dim=config.latent_dim, replicas=replicas)
