from flask import Blueprint

bp = Blueprint("questions", __name__)

from app.web.questions import routes  # noqa: E402,F401
