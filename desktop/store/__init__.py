"""The store: SQLite by default (the user's data folder), PostgreSQL for an office server.

Everything SQL lives in this package; the engine never imports it.  See store.py for the API and
schema.py for the tables and the storage choices (JSON as compact text, Jalali dates as text).
"""
from .errors import StoreError
from .schema import STATES
from .store import HistoryDoc, ImportOutcome, Store, document_row, prepare_rows

__all__ = ["Store", "document_row", "prepare_rows", "ImportOutcome", "HistoryDoc", "StoreError", "STATES"]
