"""Files that appear whole or not at all: written next to their place, then renamed over it (Qt-free)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replaced_atomically(target: Path | str, suffix: str = ".part") -> Iterator[str]:
    """A path next to ``target`` to write the file to; when the ``with`` block ends without an error the file
    takes ``target``'s place (readable by all, as an ordinary document), otherwise it is removed and
    ``target`` is left as it was."""
    target = Path(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent or Path("."))
    os.close(fd)
    try:
        yield temp
        os.chmod(temp, 0o644)  # mkstemp made it private
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
