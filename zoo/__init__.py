"""A Keras 3 zoo of adversarial generative models (see README.md)."""

__version__ = "0.1.0"
