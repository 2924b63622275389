"""Where the store lives and who is acting, from flags, environment and reformctl.toml."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

from reformctl.errors import Invalid

DB_VAR = "REFORMCTL_DB"
USER_VAR = "REFORMCTL_USER"
SITE_VAR = "REFORMCTL_SITE"
CONFIG_NAME = "reformctl.toml"
DEFAULT_DB_NAME = "reformctl.db"


def load_toml(path: Path) -> dict:
    """Parse a TOML file, raising Invalid with the file, line and reason on a syntax error."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        # A byte-order mark, as Windows editors write, is accepted as it is in CSV.
        return tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except FileNotFoundError:
        raise Invalid(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Invalid(f"{path}: is a directory, not a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"{path}: {_bad_value(raw, exc) or f'not valid TOML: {exc}'}") from None
    except UnicodeDecodeError:  # a ValueError too: before the digits' limit below
        raise Invalid(f"{path}: not valid TOML: the file is not UTF-8 text") from None
    except ValueError:  # Python's own limit on the digits of a number (4,300)
        raise Invalid(
            f"{path}: a number in it has too many digits; numbers are at most 64 bits"
        ) from None


_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*(.*?)\s*$")


def key_lines(path: Path) -> dict[str, int]:
    """The line of each top-level key of a TOML file (before its first [table]), to name in errors."""
    lines: dict[str, int] = {}
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return lines
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("["):
            break
        if found := _KEY.match(line.lstrip("\ufeff")):
            lines.setdefault(found.group(1), number)
    return lines


def _bad_value(raw: bytes, exc: Exception) -> str | None:
    """A TOML error at a date that is not one (announced = 2024-13-01), worded for the key."""
    at = re.search(r"at line (\d+)", str(exc))
    if not at:
        return None
    number = int(at.group(1))
    lines = raw.decode("utf-8", errors="replace").splitlines()
    found = _KEY.match(lines[number - 1].lstrip("\ufeff")) if number <= len(lines) else None
    if found and re.match(r"\d{4}-\d\d-\d\d\b", found.group(2)):
        return f"{found.group(1)}: {found.group(2)} is not a date, line {number}; use YYYY-MM-DD, e.g. 2024-03-28"
    return None


def _config_files(cwd: Path, app_dir: Path) -> list[Path]:
    return [p for p in (cwd / CONFIG_NAME, app_dir / CONFIG_NAME) if p.is_file()]


class Location(NamedTuple):  # not a frozen dataclass, which costs three times as much to define
    path: Path
    source: str  # which rule chose it, for `reformctl where`


def locate_db(flag: str | None, cwd: Path, app_dir: Path) -> Location:
    """Resolve the store: --db, else REFORMCTL_DB, else db= in reformctl.toml, else the app directory."""
    if flag:
        return Location(Path(flag).expanduser(), "--db option")
    env = os.environ.get(DB_VAR)
    if env:
        return Location(Path(env).expanduser(), f"{DB_VAR} environment variable")
    for config in _config_files(cwd, app_dir):
        value = load_toml(config).get("db")
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise Invalid(
                    f"{config}: key 'db' must be a path string, e.g. db = \"assessments.db\""
                )
            path = Path(value).expanduser()
            if not path.is_absolute():
                path = config.parent / path  # relative to the file that names it
            return Location(path, f"db in {config}")
    return Location(app_dir / DEFAULT_DB_NAME, "default (user config directory)")


def named_site(cwd: Path, app_dir: Path) -> tuple[str, str] | None:
    """The engagement a setting names, and which: REFORMCTL_SITE, else site = in reformctl.toml."""
    env = os.environ.get(SITE_VAR, "").strip()
    if env:
        return env, f"{SITE_VAR} environment variable"
    for config in _config_files(cwd, app_dir):
        value = load_toml(config).get("site")
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise Invalid(
                    f"{config}: key 'site' must be a site slug, e.g. site = \"north-miami\""
                )
            return value.strip(), f"site in {config}"
    return None


def resolve_actor(flag: str | None, cwd: Path, app_dir: Path) -> str:
    """Who is acting: --as, else REFORMCTL_USER, else author in reformctl.toml, else the login name.

    Whichever gives it, the name is checked and normalised as model/text.py's clean_actor says,
    so that an invisible character or a full-width letter cannot make one person look like two."""
    from reformctl.model.text import clean_actor

    for candidate, what in ((flag, "--as"), (os.environ.get(USER_VAR), USER_VAR)):
        if candidate and candidate.strip():
            return clean_actor(candidate, what)
    for config in _config_files(cwd, app_dir):
        value = load_toml(config).get("author")
        if isinstance(value, str) and value.strip():
            return clean_actor(value, f"author in {config}")
    import getpass  # last resort only: it loads termios and pwd

    try:
        return clean_actor(getpass.getuser(), "login name")
    except Exception:  # no login name in some containers, or one that is not a name
        return "unknown"
