"""Learning-rate schedules of the papers' recipes (Keras LearningRateSchedules, saved with the
optimizer in every checkpoint)."""
import keras


@keras.saving.register_keras_serializable(package="zoo")
class ConstantThenLinear(keras.optimizers.schedules.LearningRateSchedule):
    """`learning_rate` for the first `start` updates, then linearly down to 0 at update `end`, 0
    after: the official BiGAN code's schedule (--epochs constant, then --decay_epochs linear decay).
    Updates are the optimizer's own `iterations` (the schedule's argument)."""

    def __init__(self, learning_rate, start, end):
        if not 0 <= start < end:
            raise ValueError(f"ConstantThenLinear needs 0 <= start < end, got start={start}, end={end}")
        self.learning_rate, self.start, self.end = float(learning_rate), int(start), int(end)

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        left = keras.ops.clip((self.end - step) / (self.end - self.start), 0.0, 1.0)
        return self.learning_rate * left

    def get_config(self):
        return dict(learning_rate=self.learning_rate, start=self.start, end=self.end)
