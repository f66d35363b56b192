"""The generic check kinds, each written and tested once and registered by name (see engine.rules.register)."""
from desktop.engine.checks import general, frequency  # noqa: F401  (registration on import)
