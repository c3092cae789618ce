"""`python -m perfkg.cli`: the same as the `perfkg` console script."""
import sys

from perfkg.cli import main

sys.exit(main())
