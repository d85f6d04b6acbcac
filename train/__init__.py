"""The trainer: config -> strategy -> model.fit -> evaluate -> export. See train/lib.py."""
