"""Models: keras.Model subclasses with their own train_step, one file each."""
from zoo.models.gan import GAN

MODELS = {"gan": GAN}

__all__ = ["GAN", "MODELS"]
