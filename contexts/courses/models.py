"""Models of the courses context; they arrive with the capability that needs them."""
