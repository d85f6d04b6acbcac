"""What every zoo model shares: the prior, sampling, named optimizers, trackers and serialisation.

A subclass sets `OPTIMIZERS` (compile's keyword names, the first one counts the training steps: its
`iterations` is the step every callback reads) and `NETS` (and `OPTIONAL` nets with their
optimizers; `BUILT_AS` names the zoo.nets role of a net not built by the role of its own name),
implements `optimized_variables(name)` and its own `train_step`, sets `self.seed` and calls
`_setup(latent_dim, data_shape, prior, tracker_names)` in `__init__`.
"""
import inspect

import keras
import tensorflow as tf

from zoo.errors import UserError
from zoo.models import noise
from zoo_core import priors


def _from_standard(prior, standard):
    """z from the prior called `prior` given a draw of its standard distribution (zoo_core.priors)."""
    return priors.transform(priors.describe(prior), standard, lambda z: tf.math.l2_normalize(z, axis=-1))


def draw_prior(prior, shape, seed):
    """z of `shape` [B, d] from `prior`, a pure function of the stateless `seed`."""
    draw = tf.random.stateless_normal if priors.STANDARD.get(prior) == "normal" else tf.random.stateless_uniform
    return _from_standard(prior, draw(shape, seed=seed))


def multi_worker_logs(logs):
    """Workaround of keras-team/keras#20585 / tensorflow/tensorflow#72388 (Keras 3.15, TF 2.21): in
    multi-worker mode Keras reduces train_step's logs with `strategy.reduce(MEAN, v, axis=0)`, which
    rejects scalars ("Invalid reduction dimension 0"). Each log gets a leading axis of length 1, so
    that reduction is the mean over replicas, the value 1 device and mirrored replicas log (tested
    against a 1-device run; tests/test_multi_worker.py also checks that Keras still needs this).
    Same predicate as Keras's own `_collective_all_reduce_multi_worker`; a no-op everywhere else."""
    strategy = tf.distribute.get_strategy()
    if not (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and strategy.extended._in_multi_worker_mode()):
        return logs
    return {name: tf.reshape(value, [1]) for name, value in logs.items()}


class ZooModel(keras.Model):
    OPTIMIZERS = ()

    def _setup(self, latent_dim, data_shape, prior, tracker_names):
        priors.describe(prior)  # one sentence for an unknown name
        self.latent_dim = int(latent_dim)
        self.data_shape = tuple(int(d) for d in data_shape)
        self.prior = prior
        self.trackers = {n: keras.metrics.Mean(name=n) for n in tracker_names}
        self.built = True

    @property
    def prior_info(self):
        """The prior as metadata.json records it."""
        return priors.describe(self.prior)

    # --- the contract every zoo model offers -------------------------------------------------
    def generate(self, z):
        """x = G(z) in inference mode, in the data's value range, float32 (also under mixed precision)."""
        return tf.cast(self.generator(z, training=False), tf.float32)

    def call(self, z, training=False):
        return self.generate(z)

    def sample(self, n, seed=0, batch_size=None):
        """n samples generate(z), z from the prior drawn with a stateless RNG keyed on `seed`.

        `batch_size` runs the generator on that many codes at a time (same samples, less memory).
        """
        z = draw_prior(self.prior, [n, self.latent_dim], [seed, 0])
        if batch_size is None or n <= batch_size:
            return self.generate(z)
        return tf.concat([self.generate(z[i:i + batch_size]) for i in range(0, n, batch_size)], 0)

    code_description = None  # a model with an encoder says what encode(x) returns (metadata.json's "encoder")

    @property
    def has_encoder(self):
        """Whether the model maps x to z (encode, posterior_sample, reconstruct): BiGAN/ALI, AGE, AVB, VAE."""
        return self.code_description is not None

    def posterior_sample(self, x, seed):
        """One z ~ q(z|x) per example, drawn with the stateless `seed`: encode(x) for a deterministic
        encoder (a stochastic one overrides this)."""
        del seed
        return self.encode(x)

    def features(self, x):
        """What the nearest-neighbour and linear-probe metrics compare: encode(x), unless the model's
        encoder has a pre-image the paper measures instead (the squashed BiGAN: its logits)."""
        return self.encode(x)

    def lens_active(self, step):
        """Whether a Tempered lens still changes what the critic sees at `step` (zoo.models.gan)."""
        del step
        return False

    def reconstruct(self, x):
        """generate(encode(x)): the round trip through the latent space (models with an encoder)."""
        return self.generate(self.encode(x))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _track(self, **values):
        """Trackers hold this replica's mean; Keras averages them over replicas (equal slices)."""
        for name, value in values.items():
            self.trackers[name].update_state(value)

    def _logs(self):
        return multi_worker_logs({m.name: m.result() for m in self.metrics})

    # --- training helpers --------------------------------------------------------------------
    @staticmethod
    def _batch(data):
        """The x of a fit batch (Keras passes (x,), (x, y) or x)."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def _draw_z(self, step, role, index, local_batch):
        """This replica's slice of the training draw (seed, step, role, index) of z from the prior
        (zoo.models.noise: distinct per replica, the same global batch on 1 device and N replicas)."""
        standard = noise.replica_draw(priors.STANDARD[self.prior], self.seed, step, role, index, local_batch,
                                      [self.latent_dim])
        return _from_standard(self.prior, standard)

    # --- optimizers --------------------------------------------------------------------------
    def optimized_variables(self, name):
        """The variables the optimizer called `name` updates."""
        raise NotImplementedError

    @property
    def optimizer_names(self):
        """compile's keyword names for this instance: OPTIMIZERS, then the optimizer of every
        OPTIONAL net it has."""
        return self.OPTIMIZERS + tuple(opt for net, opt in self.OPTIONAL.items() if getattr(self, net) is not None)

    @property
    def net_names(self):
        """The networks this instance has: NETS, then the OPTIONAL nets it has."""
        return self.NETS + tuple(net for net in self.OPTIONAL if getattr(self, net) is not None)

    def compile(self, **kwargs):
        """One optimizer per name in optimizer_names (keyword arguments); the first is also
        `self.optimizer`, so its `iterations` is the training step. Each optimizer is built on its
        variables here, inside the strategy's scope (DESIGN.md's distribution rules)."""
        names = self.optimizer_names
        named = {n: kwargs.pop(n) for n in names if n in kwargs}
        missing = [n for n in names if n not in named]
        if missing:
            raise TypeError(f"{type(self).__name__}.compile needs optimizers {', '.join(missing)}")
        super().compile(optimizer=named[names[0]], **kwargs)
        for name, opt in named.items():
            setattr(self, name, opt)
            opt.build(self.optimized_variables(name))

    l2 = 0.0  # coupled L2 weight decay on the kernels (a model that offers it sets it: BiGAN)

    def _apply(self, name, tape, loss):
        """One update of optimizer `name` on the gradient of `loss`; with `self.l2` > 0, l2 * w is
        added to the gradient of every kernel w before the optimizer sees it (the official BiGAN
        code's L2 decay: the gradient of l2 / 2 ||w||^2; biases and normalisation parameters are
        not decayed)."""
        self._update(name, self._gradients(name, tape, loss))

    def _gradients(self, name, tape, loss):
        """The gradient of `loss` for optimizer `name`'s variables (scaled for mixed_float16)."""
        optimizer = getattr(self, name)
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):  # mixed_float16: scale on the tape
            with tape:
                loss = optimizer.scale_loss(loss)
        return tape.gradient(loss, self.optimized_variables(name))

    def _update(self, name, grads):
        """Applies `grads` (from _gradients) with optimizer `name`, L2 decay as in _apply."""
        variables = self.optimized_variables(name)
        optimizer = getattr(self, name)
        if self.l2:
            grads = [g + self.l2 * v if v.path.endswith("kernel") else g for g, v in zip(grads, variables)]
        optimizer.apply(grads, variables)

    # --- serialisation -----------------------------------------------------------------------
    NETS = ()  # the networks every instance has (get_config serialises them)
    OPTIONAL = {}  # a network an instance may have (None when not) -> the optimizer it then needs
    BUILT_AS = {}  # a network built by a zoo.nets role of another name -> that role (the rest: their own name)

    @classmethod
    def net_roles(cls):
        """Each network the model may have (NETS, then OPTIONAL) -> the zoo.nets role that builds it."""
        return {net: cls.BUILT_AS.get(net, net) for net in cls.NETS + tuple(cls.OPTIONAL)}

    @classmethod
    def check_options(cls, **options):
        """The constructor's options (config.model, less its name) with their defaults filled in, or
        a UserError naming the first one the model does not take: checked before any network is
        built. A subclass adds checks of the values."""
        nets = cls.net_roles()
        known = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
                 if p.default is not inspect.Parameter.empty and name not in nets and name != "seed"}
        for key in options:
            if key not in known:
                raise UserError(f"config.model.{key} is not an option of the {cls.__name__.lower()} model; "
                                f"its options are: {', '.join(known)}")
        return known | options

    def get_config(self):
        config = super().get_config()
        config.update({n: keras.saving.serialize_keras_object(getattr(self, n)) for n in self.net_names})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in cls.net_roles():
            if part in config:
                config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {n: keras.saving.serialize_keras_object(getattr(self, n)) for n in self.optimizer_names}

    def compile_from_config(self, config):
        self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})
