"""Third-party clients of the billing context, each behind a small interface (stripe.py)."""
