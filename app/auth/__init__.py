"""Sign-in, sign-out, password change, and the role guards every other area uses."""

from app.auth.routes import RATE_LIMITS, bp

__all__ = ["RATE_LIMITS", "bp"]
