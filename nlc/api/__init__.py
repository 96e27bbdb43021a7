"""DRF defaults shared by every context: the JWT principal, permissions, tenant scoping, the one JSON
error shape, throttles, pagination, service tokens and the OpenAPI documents.

No context's code lives here and nothing here reads a context's tables: a request is authenticated
from its token's claims alone, so any context can run on its own with only the signing key.
"""
