from flask import Blueprint

bp = Blueprint("audit", __name__)

from app.web.audit_trail import routes  # noqa: E402,F401
