"""Serve the real app for the browser tests: `python tests/browser/serve.py`.

Settings come from the environment exactly as in production (DATABASE_URL, SECRET_KEY, APP_ENV,
EVIDENCE_DIR); the only override is the login rate limit, which the suite would otherwise trip by
signing in as every role within a minute. The server binds port 0 and prints the port it got, so
the test process never races another one for a "free" port.
"""

from __future__ import annotations

import sys
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app  # noqa: E402 - after the path is set


def main() -> None:
    app = create_app({"RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
