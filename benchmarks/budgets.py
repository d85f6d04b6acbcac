"""Settings shared by the benchmarks (no flags here, so any benchmark can import it)."""

# the f-divergences of zoo.objectives.fdiv, and the parameters the benchmarks run the parameterised
# ones at (pi for js_weighted, alpha for alpha)
FGAN_DIVERGENCES = ("total_variation", "kl", "reverse_kl", "pearson", "neyman", "hellinger", "jeffrey",
                    "jensen_shannon", "js_weighted", "gan", "alpha")
DIVERGENCE_PARAMS = {"js_weighted": 0.25, "alpha": 3.0}
