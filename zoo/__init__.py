"""A Keras 3 zoo of adversarial generative models (see README.md).

`import zoo` registers every model class, layer and learning-rate schedule with Keras, so
`keras.saving.load_model(path)` reads the zoo's .keras files (checkpoints, backups) in a fresh
process. What serving needs without TensorFlow lives in `zoo_core`.
"""
from zoo import runtime

runtime.setup()  # process-wide TensorFlow options, before any model is built

from zoo import models  # noqa: E402, F401  (registers the models, zoo.nets.maxout and zoo.schedules)

__version__ = "0.1.0"
