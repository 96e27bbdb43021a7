"""Logging filter that stamps each record with the request id and the trace id."""

from __future__ import annotations

import logging

from nlc.observability.context import request_id_var, trace_id_var
from nlc.observability.tracing import current_trace_id


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.trace_id = trace_id_var.get() or current_trace_id()
        return True
