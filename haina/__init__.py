"""Haina: the core package behind the multilingual Shanghai assistant.

Everything the channels, the NLU components, the actions and the command line share lives here,
so that no rule is implemented twice for two front ends.
"""

import os

# OpenMP threads (the e5 engine's, scikit-learn's: one shared runtime) spin while they wait for
# work. On two cores shared with other processes that made one e5 embedding take 300-700 ms
# instead of 25-45 ms. The runtime reads this when it loads, so it is set on the first import of
# haina, before scikit-learn or the engine load; child processes (`haina run`) inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
