"""Where reformctl may write files: never over the store in use, errors named by the user's path.

Every command that writes a file (a report, the dashboard's SVG, a backup, a release folder,
open data, a bundle) calls refuse_store_target() with the store's path before writing, and
wraps the work on its temporary files in user_path_errors(), so that what goes wrong is
told with the path the user gave, never the name of a temporary.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reformctl.errors import Invalid, Refused

# The files SQLite keeps beside a store: overwriting any of them loses or corrupts data.
STORE_SIDECARS = ("", "-wal", "-shm", "-journal")
STAGING_PREFIX = ".reformctl-staging-"


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(
            a, b
        )  # hard links and bind mounts: the same inode under another name
    except OSError:
        return False


def refuse_store_target(target: Path | str, store_path: Path | str | None) -> None:
    """Refuse TARGET when it is the store, or one of its -wal/-shm/-journal files, under any name.

    Symlinks and relative paths are resolved; a file that does not exist yet is compared by
    the real path it would have."""
    if store_path is None:
        return
    wanted = os.path.realpath(target)
    store = os.path.realpath(store_path)
    for suffix in STORE_SIDECARS:
        if wanted == store + suffix or _same_file(wanted, store + suffix):
            which = str(store_path) if not suffix else f"the {suffix} file of {store_path}"
            raise Refused(
                f"cannot write {target}: that is the store itself ({which}); "
                "nothing was written; choose another path"
            )


@contextmanager
def user_path_errors(user_path: Path | str) -> Iterator[None]:
    """Word an OSError raised while writing through temporaries with the path the user gave."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        reason = exc.strerror or exc.__class__.__name__
        raise Invalid(f"cannot write {user_path}: {reason}; nothing was written there") from None


def write_atomically(path: Path, content: str | bytes, store_path: Path | str | None) -> None:
    """Write PATH via a temporary file and a rename, so a reader never sees half a file;
    never over the store, and with errors that name PATH."""
    path = Path(path)
    refuse_store_target(path, store_path)
    folder = path.parent  # Path("r.pdf").parent is Path("."): a bare name is written here
    if not folder.is_dir():
        raise Invalid(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise Invalid(f"cannot write {path}: it is a folder; give a file name")
    data = content.encode() if isinstance(content, str) else content  # str.encode is UTF-8
    temporary = folder / f".{path.name}.{uuid.uuid4().hex}"
    with user_path_errors(path):
        # Made as any new file is, 0o666 less the umask (a report is for sharing), and only where
        # no file of that name is (O_EXCL): nothing else is ever written through it.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with open(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_staging(folder: Path) -> list[str]:
    """Remove staging folders in FOLDER left by a reformctl process that has died (killed mid-publish).

    Only folders named by make_staging() are touched, and only when their process is gone."""
    removed = []
    try:
        children = list(Path(folder).iterdir())
    except OSError:
        return removed
    for child in children:
        if not child.name.startswith(STAGING_PREFIX) or not child.is_dir() or child.is_symlink():
            continue
        pid = child.name.removeprefix(STAGING_PREFIX).partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


def make_staging(folder: Path) -> Path:
    """A new hidden folder in FOLDER, named for this process so that a later run can tell it is stale."""
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder))
