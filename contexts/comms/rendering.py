"""Templates rendered with Django's template engine, from plain data only.

A template sees the values it is given (strings, numbers, booleans, lists and dicts of them) and
nothing else: no request, no settings, no model objects, no context processors. Tags that reach
beyond those values are not available (``load``, ``include``, ``extends``, ``url``, ``debug``,
``csrf_token``, ``querystring``). HTML parts are autoescaped; subject and text parts are not (they
are not HTML), and a subject is one line.
"""

from __future__ import annotations

from typing import Any

from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags

from contexts.comms.data import RenderedEmail
from contexts.comms.errors import HeaderInjectionError, TemplateRenderError

BANNED_TAGS = frozenset({"load", "url", "debug", "csrf_token", "querystring"})
PLAIN_SCALARS = (str, int, float, bool, type(None))


def _library() -> Library:
    library = Library()
    library.tags = {name: tag for name, tag in defaulttags.register.tags.items() if name not in BANNED_TAGS}
    library.filters = dict(defaultfilters.register.filters)
    return library


def _engine(*, autoescape: bool) -> Engine:
    engine = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=autoescape, debug=True, string_if_invalid="")
    engine.template_builtins = [_library()]
    return engine


_HTML = _engine(autoescape=True)
_TEXT = _engine(autoescape=False)


def plain(value: Any, *, where: str = "context") -> Any:
    """``value`` if it is plain data; a TypeError for anything else (a model, a function, ...)."""
    if isinstance(value, PLAIN_SCALARS):
        return value
    if isinstance(value, list | tuple):
        return [plain(item, where=where) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item, where=f"{where}.{key}") for key, item in value.items()}
    raise TypeError(f"{where} is {type(value).__name__}: templates get plain data only")


def _position(error: Exception, source: str) -> str:
    debug = getattr(error, "template_debug", None)
    if debug:
        return f"line {debug['line']}: {debug['during']}".strip()
    return source[:80]


def render_part(source: str, context: dict[str, Any], *, html: bool, part: str) -> str:
    """Render one part; a TemplateRenderError naming the part and the position otherwise."""
    engine = _HTML if html else _TEXT
    try:
        return engine.from_string(source).render(Context(plain(context), autoescape=html))
    except (TemplateSyntaxError, ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
        raise TemplateRenderError(
            f"The {part} cannot be rendered ({_position(error, source)}): {error}",
            field_errors={part: [f"{_position(error, source)}: {error}"]},
        ) from error


def single_line(value: str, *, field: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjectionError(field_errors={field: ["No line breaks here."]})
    return value


def render_email(*, subject: str, text_body: str, html_body: str, context: dict[str, Any]) -> RenderedEmail:
    # Values from events may hold line breaks: a subject is folded to one line, never split into headers.
    rendered_subject = " ".join(render_part(subject, context, html=False, part="subject").split())
    return RenderedEmail(
        subject=rendered_subject[:998],
        text_body=render_part(text_body, context, html=False, part="text_body"),
        html_body=render_part(html_body, context, html=True, part="html_body") if html_body else "",
    )
