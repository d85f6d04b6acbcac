"""Mode coverage on toy mixtures: the PacGAN protocol (Lin et al. 2018, Sec. 5.1)."""
import numpy as np


def mode_coverage(samples, centres, std):
    """PacGAN's three numbers for `samples` [N, 2] of a mixture with `centres` [M, 2] and `std`.

    A sample is high quality when it lies within 3 std (Euclidean) of its nearest centre; a mode is
    covered when it is the nearest centre of at least one high-quality sample.
    Returns dict(modes=number of covered modes, high_quality=fraction of high-quality samples,
    reverse_kl=KL(q || uniform) of the histogram q of high-quality samples over modes, in nats;
    None when there is no high-quality sample).
    """
    samples = np.asarray(samples, np.float64)
    centres = np.asarray(centres, np.float64)
    d2 = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    good = np.sqrt(d2.min(1)) <= 3.0 * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    result = dict(modes=int((counts > 0).sum()), high_quality=float(good.mean()), reverse_kl=None)
    if counts.sum() > 0:
        q = counts[counts > 0] / counts.sum()
        result["reverse_kl"] = float((q * np.log(q * len(centres))).sum())
    return result


def stacked_modes(labels, num_modes=1000):
    """Stacked MNIST mode metrics (PacGAN Table 2, VEEGAN) from per-sample mode labels in [0, num_modes).

    Returns dict(modes=number of modes with at least one sample, kl=KL(q || uniform) in nats of the
    histogram q of the samples over the modes).
    """
    labels = np.asarray(labels)
    counts = np.bincount(labels, minlength=num_modes)
    q = counts[counts > 0] / counts.sum()
    return dict(modes=int((counts > 0).sum()), kl=float((q * np.log(q * num_modes)).sum()))


def stacked_labels(classifier, images):
    """Mode 100 a + 10 b + c of each stacked image [N, 28, 28, 3], with the digits a, b, c of its
    channels read by `classifier` (zoo.metrics.classifier)."""
    images = np.asarray(images, np.float32)
    n = len(images)
    channels = np.moveaxis(images, -1, 1).reshape(n * 3, 28, 28, 1)  # [a0, b0, c0, a1, ...]
    digits = classifier.labels(channels).reshape(n, 3)
    return 100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2]
