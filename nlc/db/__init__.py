"""Databases: the router, schema and role provisioning, model bases, and a context's transactions."""
