"""The ABSENT sentinel: a key that was not in the file.

claim-batch/1 distinguishes three states of an optional fact (interchange.md, "Optional keys"):
  * the key is absent      -> "as it should be / not applicable"   -> ABSENT
  * the key is null/false/[] -> the fact is missing (no stamp, no report, no date)
  * the key has a value    -> that value

`ABSENT` refuses truth testing so that no rule can confuse "absent" (fine) with "missing" (a finding):
write `x is ABSENT`, `is_missing(x)` or `present(x)` instead of `if x:`.
"""
from __future__ import annotations

__all__ = ["ABSENT", "Absent", "is_absent", "is_missing", "present", "value_or"]


class Absent:
    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "ABSENT"

    def __bool__(self):
        raise TypeError("ABSENT has no truth value: test `is ABSENT`, is_missing() or present()")

    def __reduce__(self):
        return (Absent, ())

    def __iter__(self):
        raise TypeError("ABSENT is not a list: an absent list means 'as it should be'")


ABSENT = Absent()


def is_absent(value) -> bool:
    return value is ABSENT


def is_missing(value) -> bool:
    """The file states the fact is missing: null, false, or an empty list/string."""
    if value is ABSENT:
        return False
    return value is None or value is False or value == [] or value == () or value == ""


def present(value) -> bool:
    """The file gives a real value (not absent, not null/false/empty)."""
    return value is not ABSENT and not is_missing(value)


def value_or(value, default):
    """`value`, or `default` where the key was absent."""
    return default if value is ABSENT else value
