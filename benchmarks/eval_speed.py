"""Seconds per evaluation metric at the standard sample counts (zoo.metrics.suite).

    python -m benchmarks.eval_speed
"""
import os
import tempfile

from benchmarks import cli, report, timing
from train import runtime

runtime.quiet()


def main(argv):
    # an empty feature cache (zoo.metrics.feature_cache): the first cold row computes, the next reads
    os.environ["GAN_ZOO_CACHE"] = tempfile.mkdtemp(prefix="gan-zoo-cache-")
    import configs
    from train import build
    from zoo.data import images
    from zoo.metrics import encoder, suite

    rows = []

    def both(name, fn):
        cold, warm = timing.seconds(fn), timing.seconds(fn)
        rows.append(dict(metric=name, cold=cold, warm=warm, cores=os.cpu_count()))
        print(f"{name}: cold {cold:.1f} s, warm {warm:.1f} s", flush=True)

    gan = build.model(configs.load("nsgan_mnist"))
    samples = {}
    both("generate 10k MNIST samples (batches of 1,000)",
         lambda: samples.update(x=suite.generated(gan, 10_000, seed=1)))
    both("fid10k_test + kid10k_test + cs10k (classifier features)",
         lambda: suite.feature_metrics(samples["x"], "mnist"))
    suite._CACHE.clear()  # as in a new process: the split and its features are read again
    both("... again in a new process (reference features from the disk cache)",
         lambda: suite.feature_metrics(samples["x"], "mnist"))
    both("parzen10k (sigma search on 1k validation, 10k x 10k test)",
         lambda: suite.parzen_metrics(samples["x"], "mnist"))
    toy = suite.generated(build.model(configs.load("nsgan_toy")), 2_500, seed=1)
    both("modes2500 / high_quality2500 / reverse_kl2500 (ring)", lambda: suite.toy_metrics(toy, "ring"))
    bigan = build.model(configs.load("bigan_mnist"))
    train, train_labels = suite.reference("mnist", "train")
    test, test_labels = suite.reference("mnist", "test")
    both("encoder metrics (60k train codes, 10k test: 1-NN, probe, reconstruction)",
         lambda: encoder.encoder_metrics(bigan, train, train_labels, test, test_labels))
    vae = build.model(configs.load("vae_mnist"))
    suite.reference(images.BINARIZED, "test")
    both("nelbo_test + nll_iwae100_test (10k binarised test images) + nll_ais (VAE, eval.ais defaults)",
         lambda: suite.likelihood_metrics(vae, images.BINARIZED))

    report.append("eval_speed", rows)
    print(report.render("eval_speed"))


if __name__ == "__main__":
    cli.run(main)
