"""Models of the comms context; they arrive with the capability that needs them."""
