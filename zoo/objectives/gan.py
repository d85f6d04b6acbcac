"""The GAN objective family as pure functions of discriminator outputs.

Every objective has one signature (compare_gan's loss_lib pattern):

    objective(real, fake) -> (d_loss, g_loss)

`real` and `fake` are the discriminator's unconstrained outputs (logits, or critic values) with one
entry per example, shape [B]. Both losses are PER-EXAMPLE vectors of shape [B], to be minimised:
the model reduces them with the global batch size, which keeps them right under tf.distribute.
`real` may be None (a generator step needs no real data); `d_loss` is then None.
"""
import tensorflow as tf


def _d_logistic(real, fake):
    # -log D(x) - log(1 - D(G(z))) with D = sigmoid(logit), in softplus form (no log of a sigmoid)
    return None if real is None else tf.nn.softplus(-real) + tf.nn.softplus(fake)


def minimax(real, fake):
    """Goodfellow et al. 2014, Eq. 1: G minimises log(1 - D(G(z))) = -softplus(fake) (saturating)."""
    return _d_logistic(real, fake), -tf.nn.softplus(fake)


def non_saturating(real, fake):
    """Goodfellow et al. 2014, Sec. 3: G minimises -log D(G(z)) = softplus(-fake)."""
    return _d_logistic(real, fake), tf.nn.softplus(-fake)


def least_squares(real, fake):
    """LSGAN (Mao et al. 2017, Eq. 2 with a=0, b=c=1): 1/2 (D(x)-1)^2 + 1/2 D(G(z))^2; G: 1/2 (D(G(z))-1)^2."""
    d = None if real is None else 0.5 * tf.square(real - 1.0) + 0.5 * tf.square(fake)
    return d, 0.5 * tf.square(fake - 1.0)


def wasserstein(real, fake):
    """WGAN (Arjovsky et al. 2017): the critic minimises f(G(z)) - f(x); G minimises -f(G(z)).

    The critic must be kept Lipschitz: weight clipping (`clip_weights`) or `gradient_penalty`.
    """
    return (None if real is None else fake - real), -fake


def gradient_penalty(critic, real, fake, epsilon):
    """WGAN-GP's two-sided penalty (Gulrajani et al. 2017, Algorithm 1), per example, shape [B].

    x_hat = eps x + (1 - eps) x_fake with ONE eps ~ U[0, 1] per example (`epsilon`, shape [B]);
    returns (||grad_x_hat critic(x_hat)||_2 - 1)^2 with the norm over ALL non-batch axes.
    Call it inside the critic's gradient tape: the penalty is differentiated again.
    """
    eps = tf.reshape(epsilon, [-1] + [1] * (real.shape.rank - 1))
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        out = critic(x_hat, training=True)
    grad = tape.gradient(out, x_hat)  # examples are independent (no batch norm in a GP critic)
    axes = list(range(1, grad.shape.rank))
    norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=axes) + 1e-12)  # eps: finite grad at 0
    return tf.square(norm - 1.0)


def clip_weights(variables, c):
    """WGAN's weight clipping: every variable set to clip(v, -c, c) (call after each critic update)."""
    for v in variables:
        v.assign(tf.clip_by_value(v, -c, c))
