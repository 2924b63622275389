"""store/paths.py directly: no write lands on the store or its SQLite sidecars under any name,
errors name the user's path, writes are whole or nothing, and only a dead process's staging
folders are cleaned up."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from reformctl.errors import Invalid, Refused
from reformctl.store import paths as P


def refusal(kind, fn, *args) -> str:
    with pytest.raises(kind) as caught:
        fn(*args)
    assert type(caught.value) is kind
    return str(caught.value)


def test_the_store_and_its_sidecars_are_refused_under_any_name(tmp_path):
    store = tmp_path / "s.db"
    store.write_bytes(b"x")
    assert refusal(Refused, P.refuse_store_target, store, store) == (
        f"cannot write {store}: that is the store itself ({store}); nothing was written; "
        "choose another path"
    )
    for suffix in ("-wal", "-shm", "-journal"):  # whether they exist or not
        assert refusal(Refused, P.refuse_store_target, f"{store}{suffix}", "s.db") == (
            f"cannot write {store}{suffix}: that is the store itself (the {suffix} file of s.db); "
            "nothing was written; choose another path"
        )
    (tmp_path / "link.db").symlink_to(store)
    os.link(store, tmp_path / "hard.db")
    os.mkdir(tmp_path / "sub")
    for other_name in ["link.db", "hard.db", "sub/../s.db", tmp_path / "link.db"]:
        with pytest.raises(Refused):
            P.refuse_store_target(other_name, store)
    with pytest.raises(Refused):  # the store named through a link
        P.refuse_store_target(store, tmp_path / "link.db")


def test_other_paths_and_no_store_pass(tmp_path):
    store = tmp_path / "s.db"
    store.write_bytes(b"x")
    (tmp_path / "other.db").write_bytes(b"x")
    for fine in ["other.db", f"{store}-journal2", f"{store}.wal", f"{store}-", tmp_path / "s"]:
        P.refuse_store_target(fine, store)
    P.refuse_store_target(store, None)


def test_same_file(tmp_path):
    a = tmp_path / "a"
    a.write_text("x")
    os.link(a, tmp_path / "b")
    (tmp_path / "c").write_text("x")
    assert P._same_file(str(a), str(tmp_path / "b"))
    assert not P._same_file(str(a), str(tmp_path / "c"))
    assert not P._same_file(str(a), str(tmp_path / "missing"))


def test_user_path_errors_name_the_users_path():
    with pytest.raises(Invalid) as caught:
        with P.user_path_errors("out/report.pdf"):
            raise OSError(errno.ENOSPC, "No space left on device", "/tmp/.report.pdf.x1")
    assert str(caught.value) == (
        "cannot write out/report.pdf: No space left on device; nothing was written there"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    with pytest.raises(Invalid) as caught:
        with P.user_path_errors("r.pdf"):
            raise PermissionError()  # no strerror: the kind of error is said instead
    assert str(caught.value) == "cannot write r.pdf: PermissionError; nothing was written there"
    with pytest.raises(BrokenPipeError):  # a closed pipe is not the file's fault
        with P.user_path_errors("r.pdf"):
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
    with pytest.raises(ValueError):
        with P.user_path_errors("r.pdf"):
            raise ValueError("not an OSError")


def test_write_atomically_writes_the_whole_file_readable_by_others(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        P.write_atomically(tmp_path / "r.txt", "héllo", None)
        P.write_atomically("bare.bin", b"\x00\x01", tmp_path / "s.db")  # a bare name: here
    finally:
        os.umask(old)
    assert (tmp_path / "r.txt").read_bytes() == "héllo".encode()
    assert (tmp_path / "bare.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "r.txt").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bare.bin", "r.txt"]  # no temporary
    old = os.umask(0o077)  # the umask decides, as for any file made
    try:
        P.write_atomically(tmp_path / "private.txt", "x", None)
    finally:
        os.umask(old)
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600


def test_the_temporary_is_never_a_file_already_there(tmp_path, monkeypatch):
    """A file (or a link planted to somewhere else) under the temporary's name is not written
    through: the write fails, and what was there is untouched."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep")
    monkeypatch.setattr(P.uuid, "uuid4", lambda: type("U", (), {"hex": "fixed"})())
    (tmp_path / ".r.txt.fixed").symlink_to(elsewhere)
    assert refusal(Invalid, P.write_atomically, tmp_path / "r.txt", "x", None) == (
        f"cannot write {tmp_path / 'r.txt'}: File exists; nothing was written there"
    )
    assert elsewhere.read_text() == "keep" and not (tmp_path / "r.txt").exists()


def test_write_atomically_refusals(tmp_path):
    store = tmp_path / "s.db"
    store.write_bytes(b"keep")
    with pytest.raises(Refused):
        P.write_atomically(store, "x", store)
    assert store.read_bytes() == b"keep"
    missing = tmp_path / "no" / "r.txt"
    assert refusal(Invalid, P.write_atomically, missing, "x", None) == (
        f"cannot write {missing}: folder {missing.parent} does not exist"
    )
    assert refusal(Invalid, P.write_atomically, tmp_path, "x", None) == (
        f"cannot write {tmp_path}: it is a folder; give a file name"
    )


def test_the_temporary_is_a_hidden_file_beside_the_target(tmp_path, monkeypatch):
    renamed = []
    real_replace = os.replace

    def replace(src, dst):
        renamed.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(P.os, "replace", replace)
    P.write_atomically(tmp_path / "r.txt", "x", None)
    [(src, dst)] = renamed
    assert os.path.dirname(src) == str(tmp_path) and dst == tmp_path / "r.txt"
    assert os.path.basename(src).startswith(".r.txt.")


def test_a_failed_write_leaves_no_temporary_and_no_file(tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(P.os, "replace", fail)
    assert refusal(Invalid, P.write_atomically, tmp_path / "r.txt", "x", None) == (
        f"cannot write {tmp_path / 'r.txt'}: Input/output error; nothing was written there"
    )
    assert list(tmp_path.iterdir()) == []


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def live():
    """A process that stays alive: the tests never signal pid 1 (the machine's init), which a
    mutant sending a real signal instead of 0 would hit."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def test_only_a_dead_process_staging_folders_are_removed(tmp_path, live):
    dead = dead_pid()
    names = [
        f"{P.STAGING_PREFIX}{dead}-abc",  # removed
        f"{P.STAGING_PREFIX}{os.getpid()}-abc",  # this process's own
        f"{P.STAGING_PREFIX}{live.pid}-abc",  # another live process's
        f"{P.STAGING_PREFIX}x{dead}-abc",  # not a pid
        f"other-{dead}-abc",
    ]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_text("x")
    (tmp_path / f"{P.STAGING_PREFIX}{dead}-file").write_text("a file, not a folder")
    (tmp_path / f"{P.STAGING_PREFIX}{dead}-link").symlink_to(tmp_path / names[1])
    assert P.remove_stale_staging(tmp_path) == [names[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        names[1:] + [f"{P.STAGING_PREFIX}{dead}-file", f"{P.STAGING_PREFIX}{dead}-link"]
    )
    assert (tmp_path / names[1] / "f").exists()  # not followed through the link
    assert P.remove_stale_staging(tmp_path / "missing") == []


def test_a_process_of_another_user_is_alive(monkeypatch):
    def kill(pid, signal):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(P.os, "kill", kill)
    assert P._alive(12345)


def test_the_pid_is_the_part_before_the_first_hyphen(tmp_path):
    dead = dead_pid()
    (tmp_path / f"{P.STAGING_PREFIX}{dead}-a-b").mkdir()
    assert P.remove_stale_staging(tmp_path) == [f"{P.STAGING_PREFIX}{dead}-a-b"]


def test_a_folder_another_cleaner_removed_first_is_no_error(tmp_path, monkeypatch):
    dead = dead_pid()
    stale = tmp_path / f"{P.STAGING_PREFIX}{dead}-abc"
    stale.mkdir()

    def gone_meanwhile(pid):
        stale.rmdir()  # a second reformctl cleaned it between the listing and the removal
        return False

    monkeypatch.setattr(P, "_alive", gone_meanwhile)
    assert P.remove_stale_staging(tmp_path) == [stale.name]


def test_every_stale_folder_among_other_files_is_removed(tmp_path):
    dead = dead_pid()
    stale = sorted(f"{P.STAGING_PREFIX}{dead}-{i:02}" for i in range(20))
    for name in stale:
        (tmp_path / name).mkdir()
    for i in range(20):  # whatever order the folder lists them in, none stops the cleaning
        (tmp_path / f"report-{i}.pdf").write_text("x")
    assert sorted(P.remove_stale_staging(tmp_path)) == stale


def test_alive(live):
    assert P._alive(live.pid)
    with pytest.raises(subprocess.TimeoutExpired):  # asked, not signalled
        live.wait(timeout=0.2)
    assert P._alive(os.getpid())
    assert not P._alive(dead_pid())


def test_make_staging_names_the_folder_for_this_process(tmp_path):
    made = P.make_staging(tmp_path)
    assert made.parent == tmp_path and made.is_dir()
    assert made.name.startswith(f"{P.STAGING_PREFIX}{os.getpid()}-")
    assert P.remove_stale_staging(tmp_path) == [] and made.exists()
