"""Compact JSON text for the store's Text columns (schema.py says why text and not a JSON type).

`dumps` writes what `json.dumps(obj, ensure_ascii=False, separators=(",", ":"))` writes: Persian stays Persian,
no spaces.  orjson, when installed, does the same about five times faster and reads it back about three times
faster (JSON is most of the time of a 100,000-document import).  Where the two differ:
  * integers beyond 64 bits: orjson would read them back as floats, so with orjson `dumps` refuses them
    (ValueError; the store reports it as bad input at its place) — no amount in Rials comes near;
  * NaN/Infinity (not JSON; the intake rejects them): the standard library refuses them, orjson writes null;
  * float spelling (`1e-07` / `1e-7`): the same number either way.
Anything else orjson cannot write (non-text keys, unknown types) goes to the standard library, which writes it
or raises TypeError.
"""
from __future__ import annotations

import json

__all__ = ["dumps", "dumps_utf8", "dumps_file", "loads", "FAST"]

_std_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_std_file = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None

FAST = _orjson is not None


def _std_loads(text: str):
    return json.loads(text)


if _orjson is not None:
    _or_dumps, _or_loads = _orjson.dumps, _orjson.loads

    def dumps_utf8(obj) -> bytes | str:
        """The JSON text as UTF-8 bytes (or str when the standard library wrote it): for a bulk insert that
        takes either, without decoding 100 MB of text only for the driver to encode it again."""
        try:
            # small texts as an exact-size copy: orjson's bytes keep their whole write buffer (about 4 KiB for a
            # 600-byte document), which for 100,000 documents held until the insert is 400 MB instead of 70 MB
            out = _or_dumps(obj)
            return memoryview(out).tobytes() if len(out) < 65536 else out
        except TypeError as exc:     # orjson.JSONEncodeError
            if "64-bit" in str(exc):
                raise ValueError(f"a number is too large to store ({exc})") from None
            return _std_dumps(obj)   # non-text keys, unknown types: as the standard library does

    def dumps(obj) -> str:
        text = dumps_utf8(obj)
        return text.decode() if isinstance(text, bytes) else text

    def loads(text: str | bytes):
        return _or_loads(text)

    def dumps_file(obj) -> bytes:
        """Exactly the UTF-8 bytes of `json.dumps(obj, ensure_ascii=False, separators=(",", ":"))` (the review
        result's file), by orjson where its text is the same, ~10× faster and without a str of twice the size.
        The two spell floats alike (the shortest repr) but for magnitudes below 1e-4, where orjson writes
        `0.00001` or `1e-7` and Python `1e-05` / `1e-07`: an output holding "0.0000" or "e-" anywhere (even in a
        text) is written again by the standard library, as is anything orjson refuses (integers beyond 64 bits,
        keys that are not text).  Not the same: NaN and ±Infinity, which are not JSON; the standard library
        writes `NaN`, orjson `null` (no review result holds them: amounts are integers and intake refuses
        non-finite numbers)."""
        try:
            out = _or_dumps(obj)
        except TypeError:           # orjson.JSONEncodeError
            return _std_file(obj).encode("utf-8")
        if b"0.0000" in out or b"e-" in out:
            return _std_file(obj).encode("utf-8")
        return out
else:
    dumps = dumps_utf8 = _std_dumps
    loads = _std_loads

    def dumps_file(obj) -> bytes:
        return _std_file(obj).encode("utf-8")
