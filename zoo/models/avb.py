"""AVB (Mescheder et al. 2017): a VAE whose posterior q(z|x) is implicit, z = E(x, eps), and whose
KL term is estimated by an adversary T(x, z); optionally with adaptive contrast (Sec. 4)."""
import keras
import tensorflow as tf

from zoo.models import likelihood as lik
from zoo.models import noise
from zoo.models.base import ZooModel


@keras.saving.register_keras_serializable(package="zoo")
class AVB(lik.Decoder, ZooModel):
    """Encoder z = E(x, eps), eps ~ N(0, I_noise_dim); decoder p(x|z) as in the VAE (`likelihood`);
    adversary T(x, z); prior p(z) = N(0, I).

    One `fit` step = one adversary update, then one encoder/decoder update (Algorithm 1):
    - adversary: the logistic loss softplus(-T(x, z_q)) + softplus(T(x, z_p)), z_q ~ q(z|x),
      z_p ~ p(z); its optimum is T*(x, z) = log q(z|x) - log p(z) (Prop. 1);
    - encoder/decoder: minimise T(x, z_q) - log p(x|z_q), the negative ELBO with T in place of
      log q - log p (the gradient reaches E through z_q; T is held fixed).

    Adaptive contrast (`adaptive_contrast=True`): the moments mu(x), sigma(x) of q(z|x) are estimated
    from `contrast_samples` noise draws per example (gradients stopped), z is standardised to
    z~ = (z - mu) / sigma, and T learns to tell z~ from N(0, I), i.e. log q~(z~|x) - log N(z~);
    the KL estimate is then T(x, z~) + log r(z|x) - log p(z) with r(z|x) = N(mu(x), sigma(x)^2),
    exact in the last two terms. These moments are per EXAMPLE (over noise draws, not over the
    batch), so 1 device and N replicas train the same model.
    Logged: d_loss (the adversary's), loss (negative ELBO estimate), recon (-log p(x|z)), kl (estimate).
    """

    OPTIMIZERS = ("vae_optimizer", "d_optimizer")
    NETS = ("encoder", "decoder", "adversary")
    BUILT_AS = {"decoder": "generator", "adversary": "joint_discriminator"}
    # the metric name of -elbo(x) (zoo.metrics.suite): T's estimate of the KL stands in for the KL, so it
    # is no bound on -log p(x) (on MNIST it sat 24 nats below the VAE's IWAE-100 upper bound)
    NELBO_METRIC = "nelbo_adversary_estimate"

    def __init__(self, encoder, decoder, adversary, likelihood="bernoulli", likelihood_std=1.0,
                 adaptive_contrast=False, contrast_samples=8, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.adversary = adversary
        self._setup_decoder(decoder, likelihood, likelihood_std)
        self.adaptive_contrast = bool(adaptive_contrast)
        self.contrast_samples = int(contrast_samples)
        if self.adaptive_contrast and self.contrast_samples < 2:
            raise ValueError("adaptive contrast estimates moments from contrast_samples >= 2 noise draws")
        self.seed = int(seed)
        if len(encoder.inputs) != 2:
            raise ValueError("an AVB encoder takes (x, eps): build it with noise_dim > 0")
        self.noise_dim = int(encoder.inputs[1].shape[-1])
        self._setup(decoder.inputs[0].shape[-1], decoder.outputs[0].shape[1:], "normal",
                    ["d_loss", "loss", "recon", "kl"])

    def optimized_variables(self, name):
        if name == "d_optimizer":
            return self.adversary.trainable_variables
        return self.encoder.trainable_variables + self.decoder.trainable_variables

    # --- the model's distributions -----------------------------------------------------------
    def _encoder(self, x, eps, training=False):
        return self.encoder([tf.convert_to_tensor(x, tf.float32), eps], training=training)

    code_description = "E(x, 0): the code at the encoder noise's mode"

    def encode(self, x):
        """E(x, 0): the code at the noise's mode (deterministic, so it exports as a plain function)."""
        return self._encoder(x, tf.zeros([tf.shape(x)[0], self.noise_dim]))

    def posterior_sample(self, x, seed):
        """One z ~ q(z|x) per example, drawn with the stateless `seed`."""
        return self._encoder(x, tf.random.stateless_normal([tf.shape(x)[0], self.noise_dim], seed=seed))

    def proposal(self, x, seed=0, draws=64):
        """(mean, log std) of the Gaussian that starts AIS (zoo.metrics.ais): the moments of q(z|x) from
        `draws` encoder draws per example, as the official code's avb/validate/ais.py starts its chains."""
        x = tf.convert_to_tensor(x, tf.float32)
        eps = tf.random.stateless_normal([draws, tf.shape(x)[0], self.noise_dim], seed=[seed, 5])
        mu, sigma = self._moments(x, eps)
        return mu, tf.math.log(sigma)

    def _score(self, x, z, training=False):
        return tf.reshape(self.adversary([x, z], training=training), [-1])

    def _moments(self, x, eps_draws, training=False):
        """Stop-gradient (mu, sigma) of q(z|x) from the draws eps_draws [m, B, noise_dim] (draws
        other than the one whose z is standardised: a z among its own moment draws pulls mu toward
        itself, which biased the KL estimate by +8% in tests/test_avb.py)."""
        m, b = tf.shape(eps_draws)[0], tf.shape(x)[0]
        xs = tf.reshape(tf.repeat(x[None], m, axis=0), [-1, *self.data_shape])
        z = tf.reshape(self._encoder(xs, tf.reshape(eps_draws, [-1, self.noise_dim]), training),
                       [m, b, self.latent_dim])
        mu, var = tf.nn.moments(tf.stop_gradient(z), axes=[0])
        return mu, tf.sqrt(var + 1e-8)

    def kl_estimate(self, x, z, moments=None, training=False):
        """The estimate of log q(z|x) - log p(z) per example: T(x, z) or, with adaptive contrast and
        `moments` (mu, sigma), T(x, z~) + log r(z|x) - log p(z)."""
        if not self.adaptive_contrast:
            return self._score(x, z, training)
        mu, sigma = moments
        zt = (z - mu) / sigma
        log_r = lik.log_normal(z, mu, tf.math.log(sigma))
        return self._score(x, zt, training) + log_r - lik.log_normal(z)

    def elbo(self, x, seed=0):
        """The ELBO estimate per example, log p(x|z) - KL estimate, one z ~ q(z|x): [B]. It is an
        estimate (T approximates log q - log p), not a bound."""
        x = tf.convert_to_tensor(x, tf.float32)
        eps = tf.random.stateless_normal([1 + self.contrast_samples, tf.shape(x)[0], self.noise_dim], seed=[seed, 3])
        z = self._encoder(x, eps[0])
        moments = self._moments(x, eps[1:]) if self.adaptive_contrast else None
        return self.log_likelihood(x, z) - self.kl_estimate(x, z, moments)

    # --- training ----------------------------------------------------------------------------
    def _draws(self, step, index, local_b):
        """Noise [1 (+ contrast_samples), local_b, noise_dim]: draw 0 makes z, the others its moments."""
        m = 1 + self.contrast_samples if self.adaptive_contrast else 1
        return tf.stack([noise.replica_draw("normal", self.seed, step, noise.POSTERIOR_EPS, m * index + j,
                                            local_b, [self.noise_dim]) for j in range(m)])

    def train_step(self, data):
        x = self._batch(data)
        local_b = tf.shape(x)[0]
        n = noise.global_batch(local_b)
        step = self.vae_optimizer.iterations
        # adversary: (x, z ~ q(z|x)) against (x, z ~ p(z)), or their standardised versions
        eps = self._draws(step, 0, local_b)
        z_q = self._encoder(x, eps[0], True)
        z_p = self._draw_z(step, noise.PRIOR_Z, 0, local_b)
        if self.adaptive_contrast:
            mu, sigma = self._moments(x, eps[1:], training=True)
            z_q = (z_q - mu) / sigma
        with tf.GradientTape() as tape:
            d_vec = tf.nn.softplus(-self._score(x, z_q, True)) + tf.nn.softplus(self._score(x, z_p, True))
            d_loss = tf.reduce_sum(d_vec) / n
        self._apply("d_optimizer", tape, d_loss)
        # encoder and decoder: the negative ELBO with the adversary's KL estimate
        eps = self._draws(step, 1, local_b)
        with tf.GradientTape() as tape:
            z = self._encoder(x, eps[0], True)
            moments = self._moments(x, eps[1:], training=True) if self.adaptive_contrast else None
            kl = self.kl_estimate(x, z, moments, training=True)
            rec = self.log_likelihood(x, z, training=True)
            loss_vec = kl - rec
            loss = tf.reduce_sum(loss_vec) / n
        self._apply("vae_optimizer", tape, loss)
        self._track(d_loss=tf.reduce_mean(d_vec), loss=tf.reduce_mean(loss_vec), recon=-tf.reduce_mean(rec),
                    kl=tf.reduce_mean(kl))
        return self._logs()

    def get_config(self):
        config = super().get_config()
        config.update(adaptive_contrast=self.adaptive_contrast, contrast_samples=self.contrast_samples,
                      seed=self.seed, **self.decoder_config())
        return config
