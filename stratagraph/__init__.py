"""stratagraph: a knowledge-graph decision platform for marketing."""

from .errors import StratagraphError

__version__ = "0.1.0"
__all__ = ["StratagraphError", "__version__"]
