"""Models: keras.Model subclasses with their own train_step, one file each."""
from zoo import schedules  # noqa: F401  (registers the learning-rate schedules, so load_model reads their checkpoints)
from zoo.models.age import AGE
from zoo.models.avb import AVB
from zoo.models.bigan import BiGAN
from zoo.models.gan import GAN
from zoo.models.vae import VAE
from zoo.nets import maxout  # noqa: F401  (registers the Maxout layer, so load_model reads its checkpoints)

MODELS = {"gan": GAN, "bigan": BiGAN, "age": AGE, "avb": AVB, "vae": VAE}

__all__ = ["AGE", "AVB", "BiGAN", "GAN", "VAE", "MODELS"]
