"""Create or drop a throwaway PostgreSQL database for one test run (no Django needed).

python tools/pg_throwaway.py check            exit 0 when a server answers
python tools/pg_throwaway.py create NAME      print the DATABASE_URL to use
python tools/pg_throwaway.py drop NAME
"""

from __future__ import annotations

import os
import re
import sys

import psycopg
from psycopg import sql

SERVER = os.environ.get("ACUFACE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _connect() -> psycopg.Connection:
    return psycopg.connect(SERVER, autocommit=True, connect_timeout=3)


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "check"
    try:
        with _connect() as conn:
            if action == "check":
                return 0
            name = argv[2]
            if not re.fullmatch(r"[a-z0-9_]{1,50}", name):
                print(f"bad database name {name!r}", file=sys.stderr)
                return 2
            # Django's own test database is named test_<name>: drop a leftover one too.
            for db in (name, f"test_{name}"):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
                )
            if action == "create":
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                base = SERVER.rsplit("/", 1)[0]
                print(f"{base}/{name}")
            return 0
    except psycopg.OperationalError:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
