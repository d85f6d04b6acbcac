"""The sampler page (export.web) in headless Chromium through Selenium: what the browser tests and
benchmarks.web share. Needs Debian's chromium and chromium-driver and the selenium package (the
test extra); imports no TensorFlow.
"""
import importlib.util
import os
import shutil
import subprocess
import sys

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def missing():
    """What the browser needs and this machine lacks (empty if nothing), one phrase each."""
    from export import web

    out = [what for what, ok in [
        ("chromium and chromium-driver (apt-get install chromium chromium-driver)", os.path.exists(CHROMEDRIVER)),
        (f"onnxruntime-web (npm ci --prefix {web.WEB})", os.path.isdir(web.ORT))] if not ok]
    if importlib.util.find_spec("selenium") is None:
        out.append("selenium (pip install -e '.[test]')")
    return out


def chromium(width=1100, height=1500):
    """A headless Chromium WebDriver that keeps the console log (quit it when done)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(300)
    return driver


class Server:
    """`python -m export.web EXPORT_DIR --port=0` in a subprocess, asserting that it imports no
    TensorFlow; `url` is where it serves. Use as a context manager."""

    CODE = ("import sys; from export import web; rc = web.main(sys.argv[1:]);"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported TF';"
            "sys.exit(rc)")

    def __init__(self, export_dir):
        self.process = subprocess.Popen([sys.executable, "-c", self.CODE, str(export_dir), "--port=0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("serving "):
            self.process.kill()
            raise RuntimeError(f"export.web did not start: {line}{self.process.stderr.read()}")
        self.url = line.split(" at ")[1].split()[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        rc = self.process.wait(timeout=30)
        if rc != 0 and exc[0] is None:
            raise RuntimeError(f"export.web exited with {rc}: {self.process.stderr.read()}")


def open_page(driver, url):
    """Loads the page and waits until it has started; returns window.zoo.error (None if it works)."""
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "(function wait() { window.zoo ? window.zoo.ready.then(done) : setTimeout(wait, 50); })();")
    return driver.execute_script("return window.zoo.error")


def call(driver, method, *args):
    """Awaits window.zoo.METHOD(*args) in the page; a rejected promise raises RuntimeError."""
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1], args = Array.from(arguments).slice(0, -1);"
        f"window.zoo.{method}(...args).then((r) => done({{ok: r}}), (e) => done({{error: String(e)}}));", *args)
    if "error" in result:
        raise RuntimeError(f"window.zoo.{method} failed in the page: {result['error']}")
    return result["ok"]


def console_errors(driver):
    """The console's SEVERE entries since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
