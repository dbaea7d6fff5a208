"""stratagraph: a knowledge-graph decision platform for marketing."""

from .client import Graph, connect
from .errors import StratagraphError

__version__ = "0.1.0"
__all__ = ["Graph", "StratagraphError", "__version__", "connect"]
