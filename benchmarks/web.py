"""Sampling speed of the in-browser sampler (export.web) beside the Python sampler's.

    python -m benchmarks.web [--seconds=3]
"""
import os
import subprocess
import sys
import tempfile
import time

from absl import flags

from benchmarks import cli, report
from train import runtime
from zoo_core.errors import UserError

runtime.quiet()

flags.DEFINE_float("seconds", 3.0, "Time per cell.")
FLAGS = flags.FLAGS
BATCHES = (1, 64)


def python_rows(export_dir, latent_dim):
    import numpy as np

    from export.artifacts import load_metadata, session

    generator = session(export_dir, load_metadata(export_dir), "generator.onnx")
    rows = []
    for batch in BATCHES:
        z = np.random.default_rng(0).normal(size=(batch, latent_dim)).astype(np.float32)
        generator.run(["x"], {"z": z})
        calls, start = 0, time.perf_counter()
        while calls < 3 or time.perf_counter() - start < FLAGS.seconds:
            generator.run(["x"], {"z": z})
            calls += 1
        seconds = time.perf_counter() - start
        rows.append(dict(where="Python: onnxruntime (export.sample)", batch=batch,
                         samples_per_second=calls * batch / seconds, ms_per_call=1e3 * seconds / calls))
    return rows


def page_rows(driver, url, where):
    from export import browser

    error = browser.open_page(driver, url)
    if error:
        raise RuntimeError(error)
    threads = driver.execute_script("return document.getElementById('about').textContent.match(/(\\d+) thread/)[1]")
    return [dict(where=f"{where}, {threads} thread(s)", **browser.call(driver, "benchmark", batch,
                                                                          1e3 * FLAGS.seconds))
            for batch in BATCHES]


def main(argv):
    import onnxruntime

    from benchmarks.fresh import exported
    from export import browser, web

    lacking = browser.missing()
    if lacking:
        raise UserError("benchmarks.web needs " + "; ".join(lacking))
    with tempfile.TemporaryDirectory() as tmp:
        model, export_dir = exported("nsgan_mnist", os.path.join(tmp, "run"))
        rows = python_rows(export_dir, model.latent_dim)
        driver = browser.chromium()
        try:
            with browser.Server(export_dir) as server:
                rows += page_rows(driver, server.url, "Chromium: onnxruntime-web (export.web)")
            page = os.path.join(tmp, "page")
            web.build(export_dir, page)
            static = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1",
                                       "--directory", page], stdout=subprocess.PIPE, text=True)
            try:
                url = static.stdout.readline().split("(")[1].split(")")[0]
                rows += page_rows(driver, url, "Chromium: the --out folder on a plain static server")
            finally:
                static.terminate()
                static.wait()
            version = driver.capabilities.get("browserVersion", "?")
        finally:
            driver.quit()
    versions = dict(chromium=version, onnxruntime_web=web.onnxruntime_web_version(), onnxruntime=onnxruntime.__version__,
                    seconds=FLAGS.seconds, cores=os.cpu_count())
    report.append("web", [dict(r, **versions) for r in rows])
    print(report.render("web"))


if __name__ == "__main__":
    cli.run(main)
