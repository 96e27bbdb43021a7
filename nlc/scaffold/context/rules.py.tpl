"""Pure decisions of the {{name}} context: no database, no clock, no I/O, so each is tested alone."""


def {{entity}}_name_clean(name: str) -> str:
    """A {{entity_words}}'s name as it is kept: inner runs of white space made one space, none around."""
    return " ".join(name.split())
