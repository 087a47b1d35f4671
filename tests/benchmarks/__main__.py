"""`python -m tests.benchmarks`: the benchmark suite (see tests/benchmarks/suite.py)."""

import sys

from tests.benchmarks.suite import main

sys.exit(main())
