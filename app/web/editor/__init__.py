from flask import Blueprint

bp = Blueprint("editor", __name__)

from app.web.editor import routes  # noqa: E402,F401
