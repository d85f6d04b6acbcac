"""zoo.data.batches: a user's own examples as the batches the models take, with value checks."""
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import toy_gan
from zoo import data
from zoo.errors import UserError


def test_grouped_batches_feed_a_wgan_gp_critic_and_match_the_built_in_layout():
    points = np.random.default_rng(0).uniform(-1, 1, size=(500, 2)).astype(np.float32)
    ds = data.batches(points, batch_size=16, group=5)
    x = next(iter(ds)).numpy()
    assert x.shape == (16, 5, 2) and {tuple(p) for p in x.reshape(-1, 2)} <= {tuple(p) for p in points}
    assert ds.element_spec.shape.as_list() == [16, 5, 2]
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=5, gp_weight=10.0)
    history = model.fit(ds, steps_per_epoch=3, epochs=1, verbose=0, shuffle=False)  # ds is shuffled
    assert int(model.optimizer.iterations) == 3 and np.isfinite(history.history["d_loss"]).all()
    assert next(iter(data.batches(tf.data.Dataset.from_tensor_slices(points), 8))).shape == (8, 2)


@pytest.mark.parametrize("values, message", [
    (np.full((10, 4, 4, 1), 255.0), r"range over \[255, 255\], outside \[-1, 1\]: scale them first \(pixels in \[0, 255\]: x / 127.5 - 1\)"),
    (np.full((10, 2), 1.5), r"range over \[1.5, 1.5\], outside \[-1, 1\]: scale them first$"),
    (np.full((10, 2), np.nan), "NaN or infinite"),
])
def test_values_outside_the_range_are_one_sentence(values, message):
    with pytest.raises(UserError, match=message):
        data.batches(values, batch_size=2)


def test_images_in_zero_one_get_a_warning_and_pairs_are_refused():
    with pytest.warns(UserWarning, match=r"if they are in \[0, 1\], scale them to \[-1, 1\] \(2 x - 1\)"):
        data.batches(np.random.default_rng(0).uniform(0, 1, size=(10, 4, 4, 1)), batch_size=2)
    pairs = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2), np.float32), np.zeros(4)))
    with pytest.raises(UserError, match="not \\(x, y\\) pairs"):
        data.batches(pairs, batch_size=2)
