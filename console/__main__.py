"""``python -m console`` is the same as the ``facilitator`` command."""

import sys

from console.cli import main

sys.exit(main())
