"""Every public output of an engagement as text, and the assertion that no secret is in any.

Used by the trust tests: a secret must be absent from each file as written and from its
normalised form (model/matching.py), so a disguise that survives rendering is caught too.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from reformctl.cli import app
from reformctl.model.matching import name_key

TEXT_FORMATS = ("markdown", "html", "json", "csv")


def run(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (
        f"{args}: exit {result.exit_code}\n{result.stderr}\n{result.exception!r}"
    )
    return result.stdout


def xlsx_text(data: bytes) -> str:
    """Every sheet's name, cells, headers and footers."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
        for hf in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
            parts.extend(part.text for part in (hf.left, hf.center, hf.right) if part.text)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def db_text(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def docx_text(data: bytes) -> str:
    """Every part of a Word package as text: its XML, and the same with the tags taken out (a
    word split across runs is whole again)."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "\n".join(
            package.read(n).decode("utf-8")
            for n in package.namelist()
            if n.endswith((".xml", ".rels"))
        )
    return xml + "\n" + re.sub(r"<[^>]+>", "", xml)


def file_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".docx":
        return docx_text(data)
    if path.suffix == ".xlsx":
        return xlsx_text(data)
    if path.suffix == ".pdf":
        return pdf_text(data)
    if path.suffix == ".db":
        return db_text(path)
    return data.decode("utf-8")


def report_texts(
    site: str, folder: Path, kind: str = "final", as_of: str | None = None
) -> dict[str, str]:
    """`report` in every format (pdf, xlsx and docx through --output)."""
    dated = ["--as-of", as_of] if as_of else []
    texts = {
        fmt: run("report", "--site", site, "--format", fmt, "--kind", kind, *dated)
        for fmt in TEXT_FORMATS
    }
    for fmt in ("pdf", "xlsx", "docx"):
        path = folder / f"{site}-{kind}.{fmt}"
        run("report", "--site", site, "--format", fmt, "--kind", kind, "--output", path, *dated)
        texts[fmt] = file_text(path)
    return texts


def open_data_texts(folder: Path, site: str | None = None) -> dict[str, str]:
    """`export --public-db`: the database and its metadata.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "public.db"
    run("export", "--public-db", path, *(["--site", site] if site else []))
    return {
        "open-data db": db_text(path),
        "open-data metadata": (folder / "metadata.json").read_text("utf-8"),
    }


def publish_texts(site: str, folder: Path, *extra: str) -> dict[str, str]:
    """`publish`: every file of the release folder, manifest.json included."""
    run("publish", "--site", site, "--output", folder, *extra)
    files = sorted(folder.iterdir())
    assert {p.suffix for p in files} >= {".md", ".html", ".json", ".csv", ".pdf", ".xlsx", ".docx"}
    return {f"publish {p.name}": file_text(p) for p in files}


def site_texts(folder: Path) -> dict[str, str]:
    """`site build`: every file of the public site (pages, feeds, search index, open data and each
    release folder's copy), the stylesheet and script included."""
    run("site", "build", folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {
        "index.html",
        "feed.xml",
        "search.json",
        "public.db",
        "manifest.json",
    }
    return {f"site {p.relative_to(folder)}": file_text(p) for p in files}


def assert_no_secret(texts: dict[str, str], secrets: list[str]) -> None:
    """No secret in any output, as written or once both are normalised (case, width, invisible
    characters, spaces and hyphens all ignored)."""
    assert texts and secrets
    for name, text in texts.items():
        assert text.strip(), f"{name} is empty"
        lowered, folded = text.casefold(), name_key(text)
        for secret in secrets:
            assert secret.casefold() not in lowered, (name, secret)
            assert name_key(secret) not in folded, (name, secret)
