"""f-GAN through the trainer: every divergence trains on both configs without a non-finite loss."""
import importlib
import json

import numpy as np
import pytest
import tensorflow as tf

from train import build, trainer, workdir
from zoo.objectives import fdiv

PARAMS = {"js_weighted": 0.25, "alpha": 3.0}


def fgan_config(name, divergence, g_update="alternative"):
    config = importlib.import_module(f"configs.{name}").get_config()
    config.steps, config.log_every, config.data.batch_size, config.eval.num_samples = 4, 2, 8, 200
    objective = config.model.objective
    objective.divergence, objective.divergence_param = divergence, PARAMS.get(divergence)
    objective.g_update = g_update
    return config


@pytest.mark.parametrize("divergence", list(fdiv.DIVERGENCES))
def test_every_divergence_trains_through_the_trainer_on_toy_data(tmp_path, divergence):
    config = fgan_config("fgan_toy", divergence)
    model, metrics = trainer.run(config, str(tmp_path), tf.distribute.get_strategy(), verbose=0)
    assert int(model.g_optimizer.iterations) == 4 and set(metrics) == {"modes200", "high_quality200",
                                                                     "reverse_kl200"}
    meta = json.load(open(tmp_path / "export" / "metadata.json"))
    assert (meta["objective"], meta["divergence"]) == ("f_gan", divergence)
    again = workdir.load_checkpoint(str(tmp_path / "checkpoints"))  # the divergence survives a safe-mode reload
    assert again.objective == config.model.objective.to_dict()  # {name: "f_gan", divergence, ...}
    assert (again.objective["divergence"], again.objective["divergence_param"]) == (divergence, PARAMS.get(divergence))


@pytest.mark.parametrize("divergence", list(fdiv.DIVERGENCES))
def test_every_divergence_fits_mnist_with_finite_losses(divergence):
    config = fgan_config("fgan_mnist", divergence, g_update="saddle" if divergence == "jeffrey" else "alternative")
    model = build.model(config)
    ds = build.dataset(config)
    history = model.fit(ds, steps_per_epoch=3, epochs=1, verbose=0, shuffle=False).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert all(np.isfinite(w).all() for w in model.get_weights())
