"""Entry point for python -m reach."""

import sys

from .cli import main

sys.exit(main())
