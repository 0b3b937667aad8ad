"""Qt views of Gridwatch, thin and driven by the core's models and signals."""
