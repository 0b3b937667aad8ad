"""Translations: Qt .ts sources and compiled .qm files."""
