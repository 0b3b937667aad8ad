"""Argument types shared by the command line's parsers: bad values become one-line argparse errors."""

from __future__ import annotations

import argparse


def non_negative_float(text: str) -> float:
    """A number that is 0 or more (seconds, a speed factor, days)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return value
