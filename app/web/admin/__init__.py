from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.web.admin import routes, tokens  # noqa: E402,F401
