"""Where the tests' numeric tolerances come from: every one is derived from a reason, never tuned on a CPU.

Three kinds of reason:
1. Rounding. One rounding to a dtype changes a value by at most u (UNIT_ROUNDOFF, half the machine
   epsilon) relative, so a result that went through R roundings of values of size <= `scale` is off
   by <= R u scale to first order (`rounding`). A float64 closed form against float64 code is this
   with a few roundings; a float16/bfloat16 network against its float32 copy is it with R the
   roundings of its layers.
2. Reorder, a parity argument: the same float32 math summed in another order (oneDNN, Eigen or
   onnxruntime kernels; AVX2, AVX-512 or AMX blockings; one device or two replicas). Higham & Mary
   (2019, Thm 3.1): a sum of n products x_i y_i, in any order, is within lambda sqrt(n) u sum|x_i y_i|
   of the exact one except with probability <= 2n exp(-lambda^2 / 2); two orders are within twice
   that of each other, and `depth` chained sums within `depth` times it (`reorder`; an error carried
   through later layers with gain ~1, as Glorot-scaled layers carry one: the worst case
   |W_L|...|W_1| is ~1e4 on a 400-wide net and bounds nothing).
3. Sampling: a Monte Carlo estimate against its expectation, within k standard errors (`sampling`).
A bound from the math (a closed form, an inequality, a bug's known size) needs none of them; its
comment says so.
"""
import math

UNIT_ROUNDOFF = {"float64": 2.0 ** -53, "float32": 2.0 ** -24, "float16": 2.0 ** -11, "bfloat16": 2.0 ** -8}
LAMBDA = 6.0  # Higham & Mary's bound fails with probability <= 2n exp(-18) = 2e-6 for n = 64 (1e-5 for 400)


def rounding(dtype, roundings, scale):
    """Max first-order error of a result that went through `roundings` roundings to `dtype` of values
    of size <= `scale`."""
    return roundings * UNIT_ROUNDOFF[dtype] * scale


def reorder(n, scale, depth=1, dtype="float32"):
    """Max difference between two summation orders of `depth` chained sums of <= n products whose
    absolute values sum to <= `scale` (Higham & Mary's probabilistic bound, twice, per sum)."""
    return depth * 2 * LAMBDA * math.sqrt(n) * UNIT_ROUNDOFF[dtype] * scale


def sampling(std, n, k):
    """k standard errors of the mean of n independent draws of standard deviation `std`."""
    return k * std / math.sqrt(n)


# Parity of one device and 2 replicas or 2 workers (DESIGN.md): the same per-example math, the batch
# summed in another order. From a weight to its gradient there are <= 20 chained sums of <= 64 terms
# (forward and backward through up to 3 nets of 3 dense layers of width 32, a gradient penalty's second
# pass, the batch of 64).
PARITY_DEPTH = 20


def sgd_step(gradient, lr=0.05, batch=64):
    """Max weight difference after one SGD step (tests.helpers: lr 0.05) taken in two summation orders,
    the step's per-example gradient entries (summed over its updates) of size <= `gradient`; the last bit
    of the weights (|w| < 1: 6e-8) is below it."""
    return lr * reorder(batch, gradient, depth=PARITY_DEPTH)
