"""What the {{name}} context publishes (nothing yet); payloads follow docs/contracts/events/{{name}}/.

Event types are past tense, ``{{name}}.<entity>.<verb>``. A ``<entity>_<verb>_publish`` function is
called by a service inside its transaction on the {{name}} alias, so the event leaves only if the
change commits::

    {{ENTITY}}_CREATED = "{{name}}.{{entity}}.created"


    def {{entity}}_created_publish(*, {{entity}}: {{Entity}}) -> dict:
        return publish(
            {{ENTITY}}_CREATED,
            {"{{entityCamel}}Id": {{entity}}.id, "coachId": {{entity}}.coach_id, "createdAt": {{entity}}.created_at},
            aggregate_id={{entity}}.id,
        )
"""
