"""Prints the model types the installed mlx-lm can load, as JSON {"types": [...], "remapping": {...}}.

lib/health/mlx-lm-model-types.ts holds a copy for the pinned version; a test compares the two.
"""
import json
import pathlib
import re

import mlx_lm
from mlx_lm.utils import MODEL_REMAPPING

root = pathlib.Path(mlx_lm.__file__).parent / "models"
types = sorted(p.stem for p in root.glob("*.py") if re.search(r"^class Model\(", p.read_text(), re.M))
print(json.dumps({"types": types, "remapping": dict(sorted(MODEL_REMAPPING.items()))}))
