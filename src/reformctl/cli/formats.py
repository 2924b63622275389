"""The --format of every command that prints records, and the JSON it prints for scripts.

Reports have formats of their own (model/vocab.py REPORT_FORMATS); what people read at a terminal
is cli/terminal.py's.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any


class Format(str, Enum):
    """--format of every command that prints records (reports have their own formats)."""

    text = "text"
    json = "json"


# Earlier spellings of a Format, still accepted so that scripts keep working, not shown in help.
FORMAT_ALIASES = {"table": Format.text}


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
