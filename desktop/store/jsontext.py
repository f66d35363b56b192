"""Compact JSON text for the store's Text columns (schema.py says why text and not a JSON type).

`dumps` writes what `json.dumps(obj, ensure_ascii=False, separators=(",", ":"))` writes: Persian stays Persian,
no spaces.  orjson, when installed, does the same about five times faster (the JSON of a 100,000-document import
is most of its time); values it cannot write (integers beyond 64 bits, non-text keys) fall back to the standard
library.  One difference remains: the standard library refuses NaN/Infinity (not JSON), orjson writes null;
claim-batch/1 intake never lets them through.
"""
from __future__ import annotations

import json

__all__ = ["dumps", "loads", "FAST"]

_std_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None

FAST = _orjson is not None


def _std_loads(text: str):
    return json.loads(text)


if _orjson is not None:
    _or_dumps, _or_loads = _orjson.dumps, _orjson.loads

    def dumps(obj) -> str:
        try:
            return _or_dumps(obj).decode()
        except TypeError:            # orjson.JSONEncodeError: big integers, non-str keys, unknown types
            return _std_dumps(obj)

    def loads(text: str):
        return _or_loads(text)
else:
    dumps = _std_dumps
    loads = _std_loads
