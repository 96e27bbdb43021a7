"""Third-party clients of the leads context, each behind a small interface (base.py)."""
