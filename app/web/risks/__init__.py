from flask import Blueprint

bp = Blueprint("risks", __name__)

from app.web.risks import routes  # noqa: E402,F401
