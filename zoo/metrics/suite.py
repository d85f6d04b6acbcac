"""The metrics that fit a dataset, computed for a model, with names that carry their protocol.

A metric's name says what was measured and on how many samples (`tag(n)`: 10000 -> "10k"):

| data | metrics |
|---|---|
| toy mixtures with modes | modes2500, high_quality2500, reverse_kl2500 (PacGAN protocol) |
| mnist | fid10k_test, kid10k_test(_std), cs10k(_std), parzen10k(_se, _sigma) |
| fashion_mnist | fid10k_test, kid10k_test(_std) (on the MNIST classifier's features), parzen10k(...) |
| stacked_mnist | modes26k, kl26k (1000 digit triples read by the MNIST classifier) |
| cifar10, celeb_a | fid10k_test_inception, kid..._inception, is10k (only with eval.features="inception") |
| folder | fid10k_folder_inception, kid..., is10k against up to 10,000 of its images (eval.features="inception") |
| binarized_mnist | the mnist sample metrics of the decoder's mean images, against the grey MNIST test set |
| models with an encoder | recon_mse_test, nn1_acc_test, probe_acc_test (see zoo.metrics.encoder) |
| (on mnist, fashion_mnist) | nn1_acc_val: the official BiGAN protocol, 1-NN of train[50000:] against train[:50000] |
| BiGAN, ALI (there) | nn1_acc_val_hidden: the same on the encoder's last hidden layer (the official NNC_e-) |
| (eval.encoder_examples=n) | the same on the first n of each split: nn1_acc_first{n}_test, ..._val, ..._val_hidden |
| VAE on binarized_mnist | nelbo_test (nats), nll_iwae{k}_test, nll_ais{n}_test, nll_iwae{k}_first{n}_test |
| AVB on binarized_mnist | nelbo_adversary_estimate_test (the ELBO with the adversary's KL estimate: NOT a bound), |
| | nll_ais{n}_test |
| VAE, AVB on four_points | nelbo (AVB: nelbo_adversary_estimate), nll_mc (log p(x) of the decoder by 100k prior |
| | draws), nll_ais; VAE: nll_iwae{k} |

nll_ais{n}_test: annealed importance sampling (zoo.metrics.ais) on the first n binarised test images,
the ONE likelihood estimator that the VAE and AVB share (an upper bound on -log p(x) in expectation);
its chains, steps and leapfrog steps are the run's eval.ais (config.json).

Likelihoods are in nats per example, as NEGATIVE log-likelihoods or bounds (lower is better); the
binarised test set is ONE fixed binarisation (numpy seed 0), the same for every model; on the
4-point problem every point counts equally and the best possible value is log 4 = 1.386.
FID/KID compare the generated samples with the dataset's whole test split (MNIST: 10,000 images);
Parzen follows Goodfellow et al. 2014 (zoo.metrics.parzen). The MNIST classifier is
zoo.metrics.classifier (pinned by SHA-256); Inception-v3 is zoo.metrics.inception (needs a download).
"""
import numpy as np

from zoo import data as datasets
from zoo.data import images as image_data
from zoo.data import points, toy
from zoo.errors import UserError, is_integer
from zoo.metrics import distances, modes, parzen

MNIST_NET = ("mnist", "fashion_mnist")
ENCODER_SETS = MNIST_NET + (image_data.BINARIZED,)  # labelled sets for the encoder metrics
ENCODER_SPLIT = 10_000  # their smallest splits: test, and the BiGAN protocol's validation train[50000:]
BIGAN_VALIDATION = 50_000  # the official BiGAN code: 1-NN of train[50000:] against train[:50000]
MC_SAMPLES = 100_000
FEATURES = ("classifier", "inception")


def tag(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def generated(model, n, seed, batch_size=1000):
    """`n` samples of `model` as a numpy array, drawn with `seed`, generated in batches.

    Every zoo model offers `sample(n, seed, batch_size)` (GAN.sample is the reference)."""
    return np.asarray(model.sample(n, seed=seed, batch_size=batch_size))


_CACHE = {}


def _cached(key, make):
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def mnist_classifier():
    from zoo.metrics import classifier

    return _cached("classifier", classifier.load)


def reference(name, split, download=False):
    """(images, labels) of a dataset split, read once per process."""
    return _cached(("data", name, split), lambda: image_data.arrays(name, split, download=download))


def toy_metrics(samples, name):
    centres, std = toy.MIXTURES[name]
    if centres is None:
        return {}
    n = tag(len(samples))
    return {f"{k}{n}": v for k, v in modes.mode_coverage(samples, centres, std).items()}


def feature_metrics(samples, name, features="classifier", download=False):
    """FID and KID against the test split, and the classifier (or Inception) score."""
    test = lambda: reference(name, "test", download)[0]  # noqa: E731
    # a digit classifier's score means nothing on clothes
    return _feature_metrics(samples, test, (features, name), "test", features, features == "inception" or name == "mnist")


def _feature_metrics(samples, real, key, against, features, score):
    """FID and KID of `samples` against the images `real()` (their features cached under `key`), named
    fid{n}_{against}, and the classifier (or Inception) score if `score`."""
    n = tag(len(samples))
    if features == "classifier":
        net, suffix, score_name = mnist_classifier(), "", "cs"
    else:
        from zoo.metrics import inception

        net, suffix, score_name = _cached("inception", inception.load), "_inception", "is"
    fake_f, fake_p = net.outputs(samples)
    real_f, _ = _cached(key, lambda: _reference_outputs(net, real(), features))
    out = {f"fid{n}_{against}{suffix}": distances.frechet_distance(fake_f, real_f)}
    kid, kid_std = distances.kernel_distance(fake_f, real_f)
    out.update({f"kid{n}_{against}{suffix}": kid, f"kid{n}_{against}{suffix}_std": kid_std})
    if score:
        mean, std = distances.classifier_score(fake_p)
        out.update({f"{score_name}{n}": mean, f"{score_name}{n}_std": std})
    return out


def _reference_outputs(net, images, features):
    """The feature network's outputs for reference `images`; the pinned classifier's are kept on
    disk between processes (zoo.metrics.feature_cache)."""
    if features != "classifier":
        return net.outputs(images)
    from zoo.metrics import classifier, feature_cache

    return feature_cache.outputs(classifier.SHA256, images, lambda: net.outputs(images))


def folder_metrics(samples, options, features):
    """Inception FID, KID and IS of `samples` against up to 10,000 of a folder's images (zoo.data.folder);
    none with the classifier's features, or without the Inception weights (`missing` says why)."""
    if features != "inception" or not _inception_available():
        return {}
    real = lambda: datasets.folder.reference(options)  # noqa: E731
    return _feature_metrics(samples, real, ("inception", options), "folder", features, True)


def _inception_available():
    from zoo.metrics import inception

    return _cached("inception_available", inception.available)


def missing(data, features="classifier"):
    """Why the image metrics of dataset `data` with eval.features `features` will not include an FID
    (None when they will, or when the data are not images): said once when training starts."""
    name = datasets.name_of(data)
    if not datasets.is_image(name) or name in MNIST_NET + (image_data.BINARIZED, image_data.STACKED):
        return None
    if features == "classifier":
        return (f"no FID or KID for data.name={name!r} with eval.features='classifier': the zoo's classifier "
                f"reads MNIST-like digits only; eval.features='inception' computes them on Keras's Inception-v3 "
                f"features (its ImageNet weights, 92 MB, are downloaded once)")
    if not _inception_available():
        from zoo.metrics import inception

        return (f"no FID, KID or IS: eval.features='inception' needs Keras's Inception-v3 weights, which are not "
                f"in {inception.weights_dir()} and cannot be downloaded without a network; training goes on "
                f"without them")
    return None


def parzen_metrics(samples, name, download=False):
    """Goodfellow et al.'s Parzen log-likelihood on the test split, sigma chosen on train[50000:51000]."""
    n = tag(len(samples))
    validation, _ = reference(name, "train[50000:51000]", download)
    test, _ = reference(name, "test", download)
    to01 = lambda x: (np.asarray(x, np.float64) + 1.0) / 2.0  # noqa: E731
    result = parzen.parzen(to01(samples), to01(validation), to01(test))
    return {f"parzen{n}": result["mean"], f"parzen{n}_se": result["se"], f"parzen{n}_sigma": result["sigma"]}


def stacked_metrics(samples):
    n = tag(len(samples))
    result = modes.stacked_modes(modes.stacked_labels(mnist_classifier(), samples))
    return {f"modes{n}": result["modes"], f"kl{n}": result["kl"]}


def sample_metrics(samples, data, features="classifier", download=False):
    """Every metric of `samples` (in the dataset's value range) that fits dataset `data` (a name or
    config.data, zoo.data)."""
    name = datasets.name_of(data)
    if name == datasets.FOLDER:
        return folder_metrics(samples, datasets.folder_options(data), features)
    if name in toy.MIXTURES:
        return toy_metrics(samples, name)
    if name in points.POINTS:
        return {}
    if name == image_data.BINARIZED:
        name = "mnist"  # the decoder's mean images against the grey MNIST test set
    if name == image_data.STACKED:
        return stacked_metrics(samples)
    out = {}
    if name in MNIST_NET or (features == "inception" and _inception_available()):
        out.update(feature_metrics(samples, name, features, download))
    if name in MNIST_NET:
        out.update(parzen_metrics(samples, name, download))
    return out


AIS = dict(examples=100, chains=16, steps=500, leapfrog=5)  # eval.ais's defaults


def ais_metric(model, x, settings, seed=0):
    """-log p(x) by AIS from the model's proposal Gaussian (zoo.metrics.ais), mean over x, nats."""
    from zoo.metrics import ais

    mean, log_std = model.proposal(x, seed=seed)
    estimate, _ = ais.log_marginal(model.log_likelihood, x, mean, log_std, chains=settings["chains"],
                                   steps=settings["steps"], leapfrog=settings["leapfrog"], seed=seed)
    return -float(np.mean(estimate))


def likelihood_metrics(model, name, download=False, batch_size=500, seed=0, ais=None):
    """Negative ELBO (AVB: its adversary-based estimate), IWAE bound, AIS estimate and decoder marginal
    of a VAE or AVB on binary data, in nats; the ELBO's name is the model's NELBO_METRIC. `ais` overrides
    entries of AIS (examples = 0: no AIS)."""
    from zoo.models import likelihood as lik

    ais = {**AIS, **(ais or {})}
    if name in points.POINTS:
        x = points.points(name)
        reps = np.repeat(x, 2500, axis=0)  # the ELBO's expectation over q(z|x) by 2,500 draws per point
        out = {model.NELBO_METRIC: -float(np.mean(model.elbo(reps, seed=seed))),
               "nll_mc": -float(np.mean(lik.prior_marginal(model.decoder, model.likelihood, model.likelihood_std,
                                                           x, MC_SAMPLES, seed)))}
        if hasattr(model, "iwae"):
            out[f"nll_iwae{model.iwae_k}"] = -float(np.mean(model.iwae(reps[::25], seed=seed)))
        if ais["examples"]:
            out["nll_ais"] = ais_metric(model, x, ais, seed)
        return out
    test, _ = reference(name, "test", download)
    out = {f"{model.NELBO_METRIC}_test": -float(np.mean(np.concatenate(
        [model.elbo(test[i:i + batch_size], seed=seed + i) for i in range(0, len(test), batch_size)])))}
    if hasattr(model, "iwae"):
        small = max(1, batch_size // 10)  # k copies of every example in a batch
        out[f"nll_iwae{model.iwae_k}_test"] = -float(np.mean(np.concatenate(
            [model.iwae(test[i:i + small], seed=seed + i) for i in range(0, len(test), small)])))
    if ais["examples"]:
        n = min(int(ais["examples"]), len(test))
        out[f"nll_ais{tag(n)}_test"] = ais_metric(model, test[:n], ais, seed)
        if hasattr(model, "iwae"):  # the IWAE bound on the same images, to compare the two
            out[f"nll_iwae{model.iwae_k}_first{tag(n)}_test"] = -float(np.mean(np.concatenate(
                [model.iwae(test[i:min(i + small, n)], seed=seed + i) for i in range(0, n, small)])))
    return out


def check_features(features):
    """Raises a UserError unless `features` names a feature network of FEATURES."""
    if features not in FEATURES:
        raise UserError(f"unknown eval.features {features!r}; choose one of: {', '.join(FEATURES)}")


def check_ais(ais):
    """Raises a UserError unless `ais` (eval.ais) holds only AIS's keys, each an integer (examples may
    be 0: no AIS; the others at least 1)."""
    unknown = sorted(set(ais) - set(AIS))
    if unknown:
        raise UserError(f"unknown eval.ais key {unknown[0]!r}; the keys are: {', '.join(AIS)}")
    for key, value in ais.items():
        least = 0 if key == "examples" else 1
        if not is_integer(value, least):
            raise UserError(f"eval.ais.{key} must be an integer >= {least}, not {value!r}")


def check_encoder_examples(examples):
    """Raises a UserError unless `examples` (eval.encoder_examples) is an integer in [0, 10,000]: more
    than the 10,000 test (and validation) images of ENCODER_SETS would be no first N of them."""
    if not is_integer(examples, 0, ENCODER_SPLIT):
        raise UserError(f"eval.encoder_examples must be an integer from 0 (the whole splits) to {ENCODER_SPLIT}, "
                        f"not {examples!r}")


def evaluate(model, data, num_samples, seed, features="classifier", download=False, ais=None,
             encoder_examples=0):
    """The metrics of `model` trained on dataset `data` (a name or config.data): its samples' metrics,
    its likelihoods (`ais`: overrides of AIS), and the encoder's metrics when the model has an encoder
    and the data has labels (on the first `encoder_examples` images of each split; 0: all)."""
    check_features(features)
    check_encoder_examples(encoder_examples)
    out = sample_metrics(generated(model, num_samples, seed), data, features, download)
    name = datasets.name_of(data)
    if hasattr(model, "elbo") and (name == image_data.BINARIZED or name in points.POINTS):
        out.update(likelihood_metrics(model, name, download, ais=ais))
    if model.has_encoder and name in ENCODER_SETS:
        out.update(encoder_suite(model, name, download, encoder_examples))
    return out


def encoder_suite(model, name, download=False, examples=0):
    """The encoder's metrics on the labelled set `name`: zoo.metrics.encoder's on its train and test
    splits, and on mnist and fashion_mnist the official BiGAN code's validation 1-NN. `examples` > 0
    takes the first `examples` images of each split, a quick look whose names say so
    (nn1_acc_first2k_test, never comparable with the protocol's nn1_acc_test); 0 takes the whole
    splits, the protocol."""
    from zoo.metrics import encoder

    first = f"_first{tag(examples)}" if examples else ""
    train, train_labels = _first(reference(name, "train", download), examples)
    test, test_labels = _first(reference(name, "test", download), examples)
    train_codes = encoder.codes(model.features, train)
    out = {key.replace("_test", first + "_test"): value for key, value in
           encoder.encoder_metrics(model, train, train_labels, test, test_labels, train_codes).items()}
    if name in MNIST_NET:  # the whole train split's codes hold the validation 1-NN's both sides
        out[f"nn1_acc{first}_val"] = validation_nn1(model.features, name, download, examples,
                                                    None if examples else train_codes)
        if hasattr(model, "hidden_encoder"):
            out[f"nn1_acc{first}_val_hidden"] = validation_nn1(model.hidden_encoder(), name, download, examples)
    return out


def _first(images_and_labels, examples):
    return tuple(a[:examples] for a in images_and_labels) if examples else images_and_labels


def validation_nn1(encode, name, download=False, examples=0, train_codes=None):
    """The official BiGAN code's 1-NN accuracy (jeffdonahue/bigan, NNC_e): the codes of the 10,000
    validation images train[50000:] against those of train[:50000] (Euclidean, on
    model.features: the encoder's linear output; `examples` > 0: the first `examples` of each).
    `encode` = lambda x: x gives the raw-pixel baseline; `train_codes`, encode(x) of the whole train
    split, saves encoding it again."""
    from zoo.metrics import encoder

    images, labels = reference(name, "train", download)
    if train_codes is not None and len(train_codes) != len(images):
        raise ValueError(f"train_codes holds {len(train_codes)} codes; the {name} train split has {len(images)} images")

    def side(rows):
        return (encoder.codes(encode, images[rows]) if train_codes is None else train_codes[rows]), labels[rows]

    start = BIGAN_VALIDATION
    return encoder.nearest_neighbour_accuracy(*side(slice(0, examples or start)),
                                              *side(slice(start, start + examples if examples else None)))
