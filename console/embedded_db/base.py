"""PostgreSQL backend that starts (or attaches to) the embedded server on first connection.

Lazy on purpose: importing settings (mypy, `manage.py --help`) must not start a server.
"""

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from console import embedded


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        socket_dir, port = embedded.ensure_postgres(Path(self.settings_dict["OPTIONS"]["data_dir"]))
        params.pop("data_dir", None)
        params["host"] = socket_dir
        params["port"] = port
        return params
