"""The generic check kinds, each written and tested once and registered by name (see engine.rules.register).

Every module of this package is imported here, so a new module registers its kinds without editing this file.
"""
import importlib
import pkgutil

for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")
