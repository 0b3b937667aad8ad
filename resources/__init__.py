"""Data shipped with Gridwatch: the taxonomy, translations, icons and themes (no code)."""
