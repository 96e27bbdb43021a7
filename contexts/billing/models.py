"""Models of the billing context; they arrive with the capability that needs them."""
