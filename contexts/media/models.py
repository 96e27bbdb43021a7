"""Models of the media context; they arrive with the capability that needs them."""
