"""Sign-in, sign-out, password change, and the role guards every other area uses."""

from app.auth.routes import bp

__all__ = ["bp"]
