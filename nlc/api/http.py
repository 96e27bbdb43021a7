"""Where a request comes from: the client's IP (behind NUM_PROXIES proxies) and its user agent."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from rest_framework.settings import api_settings

USER_AGENT_MAX_LENGTH = 512


def client_ip(request) -> str | None:
    """The client's address: from the socket, or ``NUM_PROXIES`` hops back in X-Forwarded-For.

    Only addresses that trusted proxies appended are believed, so a client cannot pick its own
    throttle key or audit IP by sending the header itself.
    """
    meta = request.META
    address = meta.get("REMOTE_ADDR")
    num_proxies = api_settings.NUM_PROXIES or 0
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if num_proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(num_proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RequestOrigin:
    """What an audit record keeps of the request that caused it."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request) -> RequestOrigin:
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
        return cls(ip=client_ip(request), user_agent=user_agent)
