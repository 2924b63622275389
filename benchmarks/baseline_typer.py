"""The floor any Typer tool pays: parse one option, open SQLite, insert one row, commit.

The benchmark runner times this beside each interactive reformctl command.
Example: python benchmarks/baseline_typer.py --db /tmp/b.db --title "A finding"
"""

import sqlite3
from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


@app.command()
def insert(
    db: Annotated[str, typer.Option(help="SQLite file to insert into.")],
    title: Annotated[str, typer.Option(help="Text of the row.")] = "row",
) -> None:
    """Insert one row and print its id."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
    conn.execute("BEGIN IMMEDIATE")
    cursor = conn.execute("INSERT INTO rows (title) VALUES (?)", (title,))
    conn.execute("COMMIT")
    typer.echo(cursor.lastrowid)


if __name__ == "__main__":
    app()
