from flask import Blueprint

bp = Blueprint("plan", __name__)

from app.web.plan import routes  # noqa: E402,F401
