"""``python -m console`` is the same as the ``gridwatch`` command."""

import sys

from console.cli import main

sys.exit(main())
