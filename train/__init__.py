"""The trainer: config -> strategy -> model.fit -> evaluate -> export (train/trainer.py)."""
