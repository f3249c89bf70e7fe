from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user, login_required

from app.policy import Permission, require

F = TypeVar("F", bound=Callable[..., Any])


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Signed in, and allowed. Services check again: this only decides what the page may show."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(current_user, permission)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator
