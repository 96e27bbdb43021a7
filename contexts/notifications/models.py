"""Models of the notifications context; they arrive with the capability that needs them."""
