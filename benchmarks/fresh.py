"""A freshly built model of a config, exported by the trainer's export step: the serving and browser
benchmarks time the artifacts, and speed does not depend on the weights. No flags here, so any
benchmark can import it."""


def exported(config_name, workdir):
    """A fresh model of `config_name`, exported by the trainer's export step to WORKDIR/export."""
    import configs
    from train import build
    from train import trainer

    config = configs.load(config_name)
    model = build.model(config)
    trainer.export_run(model, config, workdir, metrics={})
    return model
