"""A freshly built (untrained) model of a config, exported as the trainer exports: speed does not depend
on the weights (no flags: any benchmark may import it)."""
import os


def exported(config_name, workdir):
    """A fresh model of `config_name` exported by the trainer's export step, and its export directory
    (WORKDIR/export)."""
    import configs
    from train import build, trainer, workdir as workdirs

    config = configs.load(config_name)
    model = build.model(config)
    trainer.export_run(model, config, workdir, metrics={})
    return model, os.path.join(workdir, workdirs.EXPORT)
