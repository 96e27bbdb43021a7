# {{name}} context

<What the context is for, in one sentence.>

- Owns: `{{Entity}}` (a coach's {{entity_words}}s). <Each model, one line: what a row is.>
- App label `{{name}}`; alias `{{name}}`; PostgreSQL schema `{{name}}`; role `nlc_{{name}}`. URL prefix `/{{name}}/`.
- Publishes: nothing yet. <`{{name}}.<entity>.<verb>` (docs/contracts/events/{{name}}/).>
- Consumes: nothing yet. <`<context>.<entity>.<verb>` v1: what {{name}} does with it.>
- Settings (config/settings.py, "{{Verbose}}"): none yet. <`SETTING` (default): what it changes.>

## Endpoints
Coaches see and change only their own rows (anyone else's answer 404 `{{entity}}_not_found`); admins see
all and may add `?coachId=`. Lists are paginated (`page`, `pageSize`).

| | |
|---|---|
| `GET /{{route}}`, `POST /{{route}}` `{name}` | coaches create their own |
| `GET /{{route}}/{id}` | |

## Tests
`tests/test_api.py` (who sees what), `tests/test_queries.py` (a page of 100 costs what a page of 1 costs).
