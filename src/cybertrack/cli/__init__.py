"""The ``cybertrack`` command line: thin commands that call the library.

Each command parses its options, calls one library function, and prints the result. Any
``CybertrackError`` becomes one line on stderr and exit status 1; per-input failures in a batch
are reported as they happen and make the exit status 2 once the batch is done.

``base`` holds the app and what every command shares; ``data`` the commands that bring data in
and out (eval, ingest, extract, demo, reference data, export); ``kb`` those that read the
knowledge base (links, incidents, reach, timelines, firsts); ``web`` the web server (serve).
"""

from cybertrack.cli import curate, data, kb, watch, web  # noqa: F401  (each module registers its commands on app)
from cybertrack.cli.base import DbOption, app, console, err_console, fail, main, resolve_db
from cybertrack.cli.data import eval_command

__all__ = ["app", "main", "resolve_db", "DbOption", "fail", "console", "err_console",
           "eval_command"]
