"""What ``OPTIONS`` answers: the view's name, description and media types.

DRF's default metadata also describes the body of each write the caller may make, by asking the view
for its serializer; the platform's views validate with input serializers of their own and have no
``serializer_class``, which made every authenticated ``OPTIONS`` a 500. The OpenAPI documents at
``/docs/`` describe the bodies instead.
"""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class SafeMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        return {}

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata["actions"] = sorted(method for method in view.allowed_methods if method not in {"OPTIONS", "HEAD"})
        return metadata
