"""Moved to `exercise.convert` (the model's converter, which the engine uses too); kept
so that older imports (journal/saves.py) still work."""

from exercise.convert import Mismatch, converter, structure, structure_pruned, unstructure  # noqa: F401
