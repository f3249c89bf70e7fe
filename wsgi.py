"""The WSGI entry point: `gunicorn wsgi:app`."""

import gc
import os

from app import create_app

app = create_app()
if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):  # set by gunicorn; not for `flask` commands
    # Every template compiled before the first request (1.5 s a worker), not by the first person to ask for each
    # page: a worker's first dashboard at 100x the demo took 220 ms, 150 of them compiling.
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
# The 240,000 objects the app is made of (modules, templates, mappers) live as long as the process: moved out
# of the collector's sight, a full collection looks only at what requests made since, and takes a fifth of the
# time (30 ms against 160 ms at 100x the demo), which was most of every page's slowest request.
gc.freeze()
