"""The built-in demo: deterministic town and city data, and a live simulation (Qt-free)."""
