from flask import Blueprint

bp = Blueprint("api", __name__)

from app.web.api import read, routes  # noqa: E402,F401
