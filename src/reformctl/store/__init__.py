"""The one way into the SQLite store."""

from reformctl.store.db import Store, open_store

__all__ = ["Store", "open_store"]
