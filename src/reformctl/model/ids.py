"""Stable record ids: they never change, whatever happens to a record's public number."""

import os
import re
import time
import uuid

# What every id looks like: a UUID as new_id() and ordered_id() write it, or the 32 hex digits
# migrations m002 and m003 gave the history rows they made for records that already existed.
ID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")


def is_id(value) -> bool:
    """Whether VALUE has the form of a record id (hand-edited files and other stores are checked with it)."""
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None


def new_id() -> str:
    return str(uuid.uuid4())


_VARIANT = {
    c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"
}  # the RFC 4122 variant bits over a hex digit
_DIGITS = 20  # random hex digits an id takes (74 of their 80 bits are used)
_POOL_BYTES = 10 * 4096  # drawn 4,096 ids at a time: one system call, not one per id
_random = ""  # the current draw, as hex digits
_taken = 0  # how many of them are used


def _forget_random() -> None:
    global _taken
    _taken = len(_random)  # all used: the next id draws afresh


os.register_at_fork(
    after_in_child=_forget_random
)  # a forked child must not reuse its parent's draw


def ordered_id() -> str:
    """A UUIDv7 (RFC 9562): a millisecond timestamp, then 74 random bits.

    For bulk imports: ids made together sort together, so their primary-key and record_id
    index entries land on a few adjacent B-tree pages instead of dirtying pages across the
    whole national index. Their first 8 hex digits are shared by everything made within
    about a minute, so nothing shown by id prefix (activities) should use them. An import
    makes one for every record and history row, so each must cost little.
    """
    global _random, _taken
    if _taken >= len(_random):
        _random, _taken = os.urandom(_POOL_BYTES).hex(), 0
    rand = _random[_taken : _taken + _DIGITS]
    _taken += _DIGITS
    ms = f"{time.time_ns() // 1_000_000:012x}"
    return f"{ms[:8]}-{ms[8:]}-7{rand[1:4]}-{_VARIANT[rand[4]]}{rand[5:8]}-{rand[8:]}"
