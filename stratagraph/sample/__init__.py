"""The sample twin: a realistic synthetic brand in the ingest formats, deterministic per seed.

`generate_twin(out_dir, scale=..., seed=..., file_format=...)` writes one file per node
label and relationship type plus `ground_truth.json`, the exact model the history was
drawn from; `TrueCurves.load(path)` recomputes expected outcomes of any weekly spend plan.
"""

from .curves import TrueCurves
from .generate import TwinSummary, generate_twin

__all__ = ["TrueCurves", "TwinSummary", "generate_twin"]
