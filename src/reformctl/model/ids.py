"""Stable record ids: they never change, whatever happens to a record's public number."""

import uuid


def new_id() -> str:
    return str(uuid.uuid4())
