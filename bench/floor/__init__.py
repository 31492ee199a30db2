"""The bare Django floor of the HTTP benchmark: one view, no middleware, ``.values()``.

Served by the same gunicorn settings as ``theodoi serve``, over the same
database, it answers what a list endpoint answers at the least: 100 work items
of a similar shape as JSON. Its requests per second are what the framework
itself allows on this machine; theodoi's figures are reported as a ratio to it.
"""
