"""Models of the integrations context; they arrive with the capability that needs them."""
