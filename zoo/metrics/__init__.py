"""Evaluation metrics. Names carry their protocol (e.g. modes2500 counts on 2,500 samples)."""
