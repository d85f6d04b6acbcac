"""BiGAN (Donahue et al. 2017) and ALI (Dumoulin et al. 2017): a generator G(z), an encoder E(x)
and a discriminator D(x, z) that tells (x, E(x)) from (G(z), z)."""
import keras
import tensorflow as tf

from zoo.errors import is_number
from zoo.models import noise
from zoo.models.base import ZooModel

LOSSES = ("non_saturating", "minimax")
UPDATES = ("alternating", "simultaneous")


def bigan_losses(real_scores, fake_scores, loss="non_saturating"):
    """Per-example (d_vec, ge_vec) from D's logits on (x, E(x)) and on (G(z), z).

    D: -log sigmoid(D(x, E(x))) - log(1 - sigmoid(D(G(z), z))). G and E: that loss with the labels
    swapped ("non_saturating"), or its negative ("minimax")."""
    d_vec = tf.nn.softplus(-real_scores) + tf.nn.softplus(fake_scores)
    if loss == "non_saturating":
        return d_vec, tf.nn.softplus(real_scores) + tf.nn.softplus(-fake_scores)
    return d_vec, -d_vec


@keras.saving.register_keras_serializable(package="zoo")
class BiGAN(ZooModel):
    """D(x, z) is trained with the logistic loss to output "real" on (x, E(x)) and "fake" on
    (G(z), z), z from the `prior` ("uniform" on [-1, 1]^d as in the official BiGAN, or "normal").
    G and E are updated together against D (one optimizer, `g_optimizer`):
    - "non_saturating" (default): they minimise the discriminator's loss with the labels swapped,
      softplus(D(x, E(x))) + softplus(-D(G(z), z)) (the BiGAN code's choice);
    - "minimax": they maximise the discriminator's loss (the paper's value function).

    ALI (`stochastic=True`): E outputs [mu, logvar] (2 latent_dim units) and its code is
    mu + exp(logvar / 2) eps, reparameterised so gradients reach E; `encode` returns mu.

    `squash` (the official BiGAN's uniform code, --noise u-50): E's linear output a(x) becomes the
    code 2 sigmoid(a(x)) - 1, inside the uniform prior's support, before D or G see it; `encode`
    returns that code, and the 1-NN and probe metrics compare a(x) (`features`), as the official
    NNC_e does.

    `l2`: the official code's L2 weight decay (its --decay, 2.5e-5 on MNIST): l2 * w added to the
    gradient of every kernel of G, E and D before Adam sees it.

    `update`: "alternating" (default): one `fit` step = one discriminator update, then one G/E
    update against the updated D, each with its own z; "simultaneous" (the official code's
    default, train_gan.py update_both): one forward pass with one z, and D's and G/E's gradients
    of it applied together. Losses: per-example sums / global batch. Logged: d_loss, ge_loss.
    """

    OPTIMIZERS = ("g_optimizer", "d_optimizer")
    NETS = ("generator", "encoder", "discriminator")
    BUILT_AS = {"discriminator": "joint_discriminator"}  # D(x, z)

    def __init__(self, generator, encoder, discriminator, loss="non_saturating", stochastic=False,
                 prior="uniform", seed=0, l2=0.0, squash=False,
                 update="alternating", **kwargs):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"unknown BiGAN loss {loss!r}; choose one of: {', '.join(LOSSES)}")
        if not (is_number(l2) and l2 >= 0):
            raise ValueError(f"l2 (the weight decay) must be a number >= 0, not {l2!r}")
        self.l2 = float(l2)
        if squash and (stochastic or prior != "uniform"):
            raise ValueError("squash maps the code onto the uniform prior's (-1, 1): it needs "
                             "prior='uniform' and stochastic=False")
        self.squash = bool(squash)
        if update not in UPDATES:
            raise ValueError(f"unknown BiGAN update {update!r}; choose one of: {', '.join(UPDATES)}")
        self.update = update
        self.generator = generator
        self.encoder = encoder
        self.discriminator = discriminator
        self.loss = loss
        self.stochastic = bool(stochastic)
        self.seed = int(seed)
        latent_dim = generator.inputs[0].shape[-1]
        want = latent_dim * (2 if self.stochastic else 1)
        if encoder.outputs[0].shape[-1] != want:
            raise ValueError(f"this {'ALI' if self.stochastic else 'BiGAN'} encoder must output {want} "
                             f"units, not {encoder.outputs[0].shape[-1]}")
        self._setup(latent_dim, generator.outputs[0].shape[1:], prior, ["d_loss", "ge_loss"])

    def optimized_variables(self, name):
        if name == "d_optimizer":
            return self.discriminator.trainable_variables
        return self.generator.trainable_variables + self.encoder.trainable_variables

    @property
    def code_description(self):
        if self.stochastic:
            return "the mean of q(z|x) (ALI's stochastic encoder)"
        return "E(x) = 2 sigmoid(a(x)) - 1" if self.squash else "E(x)"

    def encode(self, x):
        """E(x) (ALI: the mean of q(z|x)) in inference mode."""
        code = self.encoder(x, training=False)
        if self.stochastic:
            return tf.split(code, 2, axis=-1)[0]
        return self._squashed(code)

    def features(self, x):
        """The encoder's linear output a(x) for the squashed code (what the official NNC_e compares);
        encode(x) otherwise."""
        return self.encoder(x, training=False) if self.squash else self.encode(x)

    def hidden_encoder(self):
        """The encoder up to its last hidden layer (the input of its output layer), inference mode: the
        official code's encoder `feats`, which its NNC_e- compares (1024-d on MNIST). Built on call,
        sharing the encoder's layers, so the model's saved state is unchanged."""
        hidden = keras.Model(self.encoder.input, self.encoder.layers[-1].input)
        return lambda x: hidden(x, training=False)

    def _squashed(self, logits):
        return 2.0 * tf.sigmoid(logits) - 1.0 if self.squash else logits

    def posterior_sample(self, x, seed):
        """One z ~ q(z|x) per example for ALI (drawn with the stateless `seed`); E(x) for the BiGAN."""
        x = tf.convert_to_tensor(x, tf.float32)
        eps = tf.random.stateless_normal([tf.shape(x)[0], self.latent_dim], seed=seed)
        return self._code(x, eps, training=False)

    def _code(self, x, eps, training):
        code = self.encoder(x, training=training)
        if not self.stochastic:
            return self._squashed(code)
        mu, logvar = tf.split(code, 2, axis=-1)
        return mu + tf.exp(0.5 * logvar) * eps

    def _scores(self, x, code, fake, z):
        real = tf.reshape(self.discriminator([x, code], training=True), [-1])
        return real, tf.reshape(self.discriminator([fake, z], training=True), [-1])

    def train_step(self, data):
        x = self._batch(data)
        local_b = tf.shape(x)[0]
        step = self.g_optimizer.iterations
        eps = [noise.replica_draw("normal", self.seed, step, noise.POSTERIOR_EPS, k, local_b, [self.latent_dim])
               for k in range(2)]
        z = [self._draw_z(step, stream, 0, local_b) for stream in (noise.CRITIC_Z, noise.GENERATOR_Z)]
        update = self._simultaneous if self.update == "simultaneous" else self._alternating
        d_vec, ge_vec = update(x, eps, z, noise.global_batch(local_b))
        self._track(d_loss=tf.reduce_mean(d_vec), ge_loss=tf.reduce_mean(ge_vec))
        return self._logs()

    def _game_losses(self, x, eps, z):
        """Per-example (d_vec, ge_vec) of one forward pass: codes of x (noise eps), samples G(z)."""
        return bigan_losses(*self._scores(x, self._code(x, eps, True), self.generator(z, training=True), z), self.loss)

    def _simultaneous(self, x, eps, z, n):
        """D's and G/E's gradients of one forward pass (eps[0], z[0]), applied together."""
        with tf.GradientTape(persistent=True) as tape:
            d_vec, ge_vec = self._game_losses(x, eps[0], z[0])
            d_loss, ge_loss = tf.reduce_sum(d_vec) / n, tf.reduce_sum(ge_vec) / n
        grads = self._gradients("d_optimizer", tape, d_loss), self._gradients("g_optimizer", tape, ge_loss)
        del tape
        self._update("d_optimizer", grads[0])
        self._update("g_optimizer", grads[1])
        return d_vec, ge_vec

    def _alternating(self, x, eps, z, n):
        """D's update on (eps[0], z[0]) (codes and samples computed outside the tape: D's gradient
        only), then G/E's on fresh (eps[1], z[1]) against the updated D."""
        code, fake = self._code(x, eps[0], True), self.generator(z[0], training=True)
        with tf.GradientTape() as tape:
            d_vec, _ = bigan_losses(*self._scores(x, code, fake, z[0]), self.loss)
            d_loss = tf.reduce_sum(d_vec) / n
        self._apply("d_optimizer", tape, d_loss)
        with tf.GradientTape() as tape:
            _, ge_vec = self._game_losses(x, eps[1], z[1])
            ge_loss = tf.reduce_sum(ge_vec) / n
        self._apply("g_optimizer", tape, ge_loss)
        return d_vec, ge_vec

    def get_config(self):
        config = super().get_config()
        config.update(loss=self.loss, stochastic=self.stochastic, prior=self.prior, seed=self.seed, l2=self.l2,
                      squash=self.squash, update=self.update)
        return config
