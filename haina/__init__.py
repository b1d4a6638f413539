"""Haina: the core package behind the multilingual Shanghai assistant.

Everything the channels, the NLU components, the actions and the command line share lives here,
so that no rule is implemented twice for two front ends.
"""

__version__ = "0.1.0"
