"""Every error of the {{name}} context, in one place: domain words, a stable ``code``, no HTTP.

Each subclasses the kernel kind that says what went wrong (nlc.errors; nlc.api.errors maps the kind
to the status), and its name ends in ``Error``::

    class {{Entity}}ArchivedError(ConflictError):
        code = "{{entity}}_archived"
        message = "This {{entity_words}} is archived."

(with ``from nlc.errors import ConflictError``). "Not found" is no error of its own: a selector
answers None and the view calls ``get_or_404(row, "{{entity}}")`` (code ``{{entity}}_not_found``).
"""
