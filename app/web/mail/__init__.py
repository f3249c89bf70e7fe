from flask import Blueprint

bp = Blueprint("mail", __name__)

from app.web.mail import routes  # noqa: E402,F401
