"""The embedded PostgreSQL used when ``DATABASE_URL`` is unset.

pgserver ships PostgreSQL binaries in its wheel. The cluster lives in ``var/pgdata`` and is left
running on exit (``cleanup_mode=None``) so that the web server, management commands and the test
run share one server and a restart finds the data where it was.
"""

import re
import warnings
from pathlib import Path

DATABASE_NAME = "kim_portal"


def embedded_database_url(var_dir: Path) -> str:
    """Start the embedded server if needed and return a URL for the portal's database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver

    var_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if not re.search(r"^\s*1\s*$", exists, re.MULTILINE):
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
