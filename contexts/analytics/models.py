"""Models of the analytics context; they arrive with the capability that needs them."""
