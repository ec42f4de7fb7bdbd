"""attrs fields that carry their documentation: the JSON Schema (`exercise schema`), the key
reference in docs/authoring.md and the loader read it from each field's metadata. Its own module
so the light parts of the model (exercise.words) load without the whole of it."""

from __future__ import annotations

import attrs


def doc(text: str, default=attrs.NOTHING, factory=None, toml: str | None = None):
    """An attrs field with a documentation string for the schema and the reference.

    `toml` is the key in the files when it differs from the attribute: lists of tables
    are written singular (`[[inject]]`), and `from` is a Python keyword.
    """
    meta = {"doc": text}
    if toml:
        meta["toml"] = toml
    if factory is not None:
        return attrs.field(factory=factory, metadata=meta)
    return attrs.field(default=default, metadata=meta)


def toml_key(field: attrs.Attribute) -> str:
    return field.metadata.get("toml", field.name)
