"""Third-party clients of the {{name}} context, each behind a small interface (base.py)."""
