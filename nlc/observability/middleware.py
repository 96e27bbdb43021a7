"""Give every request a request id and a trace id, and log it once as a JSON line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from nlc.observability.context import request_id_var, trace_id_var
from nlc.observability.tracing import current_trace_id

logger = logging.getLogger("nlc.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # The OpenTelemetry middleware runs first and has taken the trace id from `traceparent`.
        trace_id = current_trace_id() or uuid.uuid4().hex
        request.request_id, request.trace_id = request_id, trace_id
        request_token, trace_token = request_id_var.set(request_id), trace_id_var.set(trace_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            trace_id_var.reset(trace_token)
