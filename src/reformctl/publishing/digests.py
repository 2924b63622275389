"""The names and hashes a published release is checked by, without the publishing machinery
(the site reads releases; importing releases.py would load the renderers and checks too)."""

from __future__ import annotations

import hashlib

MANIFEST = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
