"""Models of the leads context; they arrive with the capability that needs them."""
