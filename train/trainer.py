"""The trainer: config -> strategy -> model.fit -> evaluate -> export.

What it writes under the workdir, and how each file is verified, is train.workdir's.
"""
import os
import sys

import keras

from train import build, callbacks, optimizers, precision, runtime, workdir
from train import spec as specs
from zoo import data, objectives
from zoo_core import files


def evaluate(model, spec, num_samples=None):
    """The final metrics of `model`: every metric of zoo.metrics.suite that fits the run's data, on
    its eval.num_samples (or `num_samples`) samples drawn with seed + 1 (`spec`: a train.spec.Spec or
    a config)."""
    from zoo.metrics import suite

    spec = specs.read(spec)
    ev = spec.eval
    return suite.evaluate(model, spec.data, num_samples or ev["num_samples"], seed=spec.seed + 1,
                          features=ev.get("features", "classifier"), download=spec.data.get("download", True),
                          ais=dict(ev.get("ais", {})), encoder_examples=ev.get("encoder_examples", 0))


def write_metrics(model, spec, path, losses=None):
    spec = specs.read(spec)
    metrics = evaluate(model, spec)
    if losses is None:
        losses = workdir.read_metrics(path).get("final_losses")
    step = workdir.step_of(model)
    files.write_json(os.path.join(path, workdir.METRICS),
                     dict(step=step, dataset=spec.data["name"], metrics=metrics, final_losses=losses or {}))
    return metrics


def export_run(model, spec, path, metrics, formats=None):
    from export import lib as export_lib

    spec = specs.read(spec)
    options = spec.model.options
    objective = objectives.spec(options["objective"]) if "objective" in options else {}  # a GAN's
    info = dict(data=export_lib.data_info(spec.data), model=spec.model.name, objective=objective.get("name"),
                config=spec.name, steps=workdir.step_of(model), metrics=metrics)
    if objective.get("name") == "f_gan":
        info.update(divergence=objective.get("divergence"), divergence_param=objective.get("divergence_param"))
    return export_lib.export(model, os.path.join(path, workdir.EXPORT), info, formats or export_lib.FORMATS)


def run(config, path, strategy, verbose=None):
    """Trains (or resumes) `config` in the workdir `path` under `strategy`; evaluates and exports at
    the end. `verbose`: model.fit's (default: train.runtime.progress_verbosity()).

    In a multi-worker run every worker calls this with the same arguments: the chief writes the
    workdir (checkpoints, backup, logs, samples, metrics, export); the other workers save their
    checkpoints and backups under WORKDIR/workers/ (train.strategy.worker_dir) and return no metrics.
    """
    from train import strategy as strategies

    # "auto" decided once per run: a resumed run keeps what its config.json says
    config, chosen = precision.resolve(config, workdir.recorded(path, "mixed_precision", precision.AUTO))
    spec = specs.read(config, strategy.num_replicas_in_sync)  # the one check of the config
    for warning in (runtime.intra_op_threads_warning(config), precision.warning(config)):
        if warning:
            print(warning, file=sys.stderr)
    own = strategies.worker_dir(path, strategy)
    chief, path = own == path, own
    if chief:
        if chosen:
            print(chosen)
        _say_what_is_measured(spec)
    workdir.check_config(config, path, write=False)
    keras.utils.set_random_seed(spec.seed)
    start, state = workdir.resume_state(path)
    # built here, so missing data or bad nets fail before the workdir is touched (a multi-worker
    # input builds its per-worker datasets when it is created, too)
    constant = _decay_set_since(spec, state)
    ds, model = _dataset(spec, strategy, start), _model(spec, strategy, start, constant)
    held = workdir.lock(path)  # before config.json is written: a second trainer changes nothing
    try:
        if workdir.resume_step(path) != start:  # another trainer saved while this one was building
            start, state = workdir.resume_state(path)
            constant = _decay_set_since(spec, state)
            ds, model = _dataset(spec, strategy, start), _model(spec, strategy, start, constant)
        if state:
            with strategy.scope():
                workdir.restore(model, state)
                for name in constant:  # its decay starts at or after this step
                    getattr(model, name).learning_rate = optimizers.learning_rate(spec.optimizers[name], spec.steps)
        return _train(config, spec, path, strategy, model, ds, start, chief, verbose)
    finally:
        os.close(held)


def _say_what_is_measured(spec):
    """A line on the data read from disk (a folder of images), and a note when there will be no FID."""
    from zoo.metrics import suite

    if data.name_of(spec.data) == data.FOLDER:
        options = data.folder_options(spec.data)
        print(data.folder.read(options).describe(options))
    missing = suite.missing(spec.data, spec.eval.get("features", "classifier"))
    if missing:
        print(f"note: {missing}", file=sys.stderr)


def _model(spec, strategy, start, constant=()):
    with strategy.scope():
        return build.model(spec, start_step=start, constant=constant)


def _decay_set_since(spec, state):
    """The optimizers whose rate the config now decays (decay_from) but the resumed `state` holds
    constant: they are built constant, to restore into, and given their schedule once restored
    (workdir.check_config allows this only where no trained step's rate changes)."""
    if not state:
        return set()
    decaying = {name for name, entry in spec.optimizers.items() if entry.options.get("decay_from") is not None}
    return decaying & workdir.constant_rates(state)


def _dataset(spec, strategy, start):
    from train import strategy as strategies

    return strategies.distribute(strategy, lambda: build.dataset(spec, start_step=start), spec.batch_size)


def epochs(start, steps, every):
    """The `fit` calls that train from step `start` to `steps`, each (initial_epoch, epochs,
    steps_per_epoch): an epoch (a checkpoint) ends at every multiple of `every` and at `steps`, so a
    run of any length keeps its checkpoints where a longer run on the same workdir has them."""
    calls, step = [], start
    if step % every and step < steps:  # resumed where a shorter run ended between multiples
        length = min(steps, (step // every + 1) * every) - step
        calls.append((step // every, 1, length))
        step += length
    if (steps - step) // every:
        calls.append((step // every, (steps - step) // every, every))
        step += (steps - step) // every * every
    if step < steps:
        calls.append((step // every, 1, steps - step))
    return calls


def _train(config, spec, path, strategy, model, ds, start, chief, verbose):
    """run()'s part under the workdir's lock (`config` is what config.json records, `spec` its Spec);
    `ds` is the training input from step `start`."""
    # each optimizer's own update count, now restored, decides whether a schedule may change (.numpy():
    # int() of a mirrored variable fails)
    updates = {n: int(getattr(model, n).iterations.numpy()) for n in model.optimizer_names}
    workdir.check_config(config, path, write=True, updates=updates)
    cbs = [callbacks.StopOnNonFinite(os.path.join(path, workdir.CHECKPOINTS)), callbacks.SaveState(path)]
    if chief:
        logs = os.path.join(path, workdir.LOGS)
        cbs += [keras.callbacks.TensorBoard(logs, update_freq="epoch", write_graph=False),
                callbacks.Samples(os.path.join(path, workdir.SAMPLES), logs, spec.data, spec.seed)]
    every = spec.eval.get("every", 0)
    if every and chief:
        n = spec.eval.get("every_samples", 0) or None
        cbs.append(callbacks.Evaluate(lambda m: evaluate(m, spec, n), every, os.path.join(path, workdir.LOGS)))
    if start:
        print(f"Resuming {path} at step {start} of {spec.steps}")
    history, step = {}, start
    for first, count, length in epochs(start, spec.steps, spec.execution.log_every):
        if step != start:  # a new fit call reads its input from the start: one that starts at `step`
            ds = _dataset(spec, strategy, step)
        fit = model.fit(ds, initial_epoch=first, epochs=first + count,
                        steps_per_epoch=length, callbacks=cbs, shuffle=False,
                        verbose=runtime.progress_verbosity() if verbose is None else verbose)
        for name, values in fit.history.items():
            history.setdefault(name, []).extend(values)
        step += count * length
    if not chief:
        return model, {}
    # a rerun of a finished run trains no epoch: keep the losses metrics.json already holds
    losses = {k: float(v[-1]) for k, v in history.items()} or None
    metrics = write_metrics(model, spec, path, losses)
    export_run(model, spec, path, metrics)
    return model, metrics
