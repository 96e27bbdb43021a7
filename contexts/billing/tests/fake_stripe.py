"""A fake Stripe at the HTTP boundary: a small threaded HTTP server on loopback that speaks the part
of Stripe's REST API billing calls, with bodies shaped like Stripe's own (built from the fixtures).

Point ``STRIPE_API_BASE`` at :attr:`FakeStripe.url` and the real stripe SDK talks to it: form-encoded
requests, ``Authorization: Bearer``, ``Stripe-Version`` and ``Idempotency-Key`` headers (recorded in
:attr:`FakeStripe.requests`), JSON answers and Stripe's error bodies. Like Stripe, a repeated
idempotency key gets the first answer again. :meth:`FakeStripe.fail` makes the next calls fail.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from contexts.billing.tests.stripe_fixtures import stripe_event, stripe_object

API_KEY = "sk_test_FAKE_billing_tests_only"


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Failure:
    status: int
    times: int
    path_prefix: str
    body: dict[str, Any]
    delay: float = 0.0


@dataclass
class FakeStripe:
    requests: list[Recorded] = field(default_factory=list)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds_by_charge: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._idempotent: dict[str, tuple[int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        fake = self

        class Handler(_Handler):
            stripe = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-stripe", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- test controls -------------------------------------------------------------------------------
    def fail(
        self,
        *,
        status: int = 500,
        times: int = 1,
        path: str = "/",
        error_type: str = "api_error",
        code: str | None = None,
        message: str = "Something went wrong on Stripe's end.",
        delay: float = 0.0,
    ) -> None:
        """The next ``times`` calls under ``path`` answer ``status`` with Stripe's error body (after ``delay``)."""
        body = {"error": {"type": error_type, "code": code, "message": message, "param": None}}
        self._failures.append(Failure(status=status, times=times, path_prefix=path, body=body, delay=delay))

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            call
            for call in self.requests
            if (method is None or call.method == method) and (path is None or re.fullmatch(path, call.path))
        ]

    def subscription_add(self, subscription: dict[str, Any]) -> None:
        self.objects[subscription["id"]] = copy.deepcopy(subscription)

    def price_add(self, *, unit_amount: int, currency: str, interval: str | None) -> dict[str, Any]:
        """A product and its price, as if created earlier (not recorded as calls)."""
        with self._lock:
            params = {"unit_amount": str(unit_amount), "currency": currency, "product_data": {"name": "Product"}}
            if interval:
                params["recurring"] = {"interval": interval}
            return self._price_create(params)[1]

    # -- the API ---------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(Recorded(method, path, params, headers))
            failure = next((f for f in self._failures if f.times > 0 and path.startswith(f.path_prefix)), None)
            if failure is not None:
                failure.times -= 1
        if failure is not None:
            time.sleep(failure.delay)
            return failure.status, failure.body
        if headers.get("authorization") != f"Bearer {API_KEY}":
            return 401, _error("invalid_request_error", None, "Invalid API Key provided.")
        key = headers.get("idempotency-key")
        if method == "POST" and key and key in self._idempotent:
            return self._idempotent[key]
        with self._lock:
            answer = self._route(method, path, params)
            if method == "POST" and key:
                self._idempotent[key] = answer
        return answer

    def _route(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict]:
        routes = [
            ("POST", r"/v1/products", self._product_create),
            ("POST", r"/v1/products/(?P<id>[^/]+)", self._update),
            ("POST", r"/v1/prices", self._price_create),
            ("POST", r"/v1/prices/(?P<id>[^/]+)", self._update),
            ("POST", r"/v1/customers", self._customer_create),
            ("POST", r"/v1/checkout/sessions", self._checkout_session_create),
            ("POST", r"/v1/subscriptions/(?P<id>[^/]+)", self._subscription_update),
            ("POST", r"/v1/payment_links", self._payment_link_create),
            ("POST", r"/v1/payment_links/(?P<id>[^/]+)", self._update),
            ("GET", r"/v1/refunds", self._refund_list),
        ]
        for route_method, pattern, action in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return action(params, **match.groupdict())
        return 404, _error("invalid_request_error", None, f"Unrecognized request URL ({method}: {path}).")

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_FAKE{next(self._ids):012d}"

    def _store(self, stripe_object: dict[str, Any]) -> tuple[int, dict]:
        self.objects[stripe_object["id"]] = stripe_object
        return 200, copy.deepcopy(stripe_object)

    def _update(self, params: dict[str, Any], id: str) -> tuple[int, dict]:
        stored = self.objects.get(id)
        if stored is None:
            return 404, _error("invalid_request_error", "resource_missing", f"No such object: '{id}'")
        for name, value in params.items():
            stored[name] = {**stored.get(name, {}), **value} if isinstance(value, dict) else _typed(value)
        stored["updated"] = int(time.time())
        return 200, copy.deepcopy(stored)

    def _product_create(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        product = stripe_object("product")
        now = int(time.time())
        product.update(id=self._new_id("prod"), name=params["name"], metadata=params.get("metadata", {}))
        product.update(created=now, updated=now)
        return self._store(product)

    def _price_create(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        price = copy.deepcopy(
            stripe_event("customer.subscription.created")["data"]["object"]["items"]["data"][0]["price"]
        )
        product_id = params.get("product")
        if product_id is None:
            _, product = self._product_create(params["product_data"])
            product_id = product["id"]
        elif product_id not in self.objects:
            return 400, _error("invalid_request_error", "resource_missing", f"No such product: '{product_id}'")
        recurring = params.get("recurring")
        price.update(
            id=self._new_id("price"),
            created=int(time.time()),
            currency=params["currency"],
            unit_amount=int(params["unit_amount"]),
            unit_amount_decimal=str(params["unit_amount"]),
            product=product_id,
            metadata=params.get("metadata", {}),
            lookup_key=None,
            nickname=None,
            type="recurring" if recurring else "one_time",
            recurring={**price["recurring"], "interval": recurring["interval"]} if recurring else None,
        )
        return self._store(price)

    def _customer_create(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        customer = stripe_object("customer")
        customer.update(
            id=self._new_id("cus"),
            created=int(time.time()),
            email=params.get("email"),
            name=params.get("name"),
            metadata=params.get("metadata", {}),
        )
        return self._store(customer)

    def _checkout_session_create(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        session = stripe_event("checkout.session.completed.subscription_mode")["data"]["object"]
        price = self.objects.get(params["line_items"][0]["price"])
        if price is None:
            return 400, _error("invalid_request_error", "resource_missing", "No such price")
        session_id = self._new_id("cs_test")
        session.update(
            id=session_id,
            created=int(time.time()),
            expires_at=int(time.time()) + 86400,
            mode=params["mode"],
            customer=params.get("customer"),
            customer_details=None,
            client_reference_id=params.get("client_reference_id"),
            metadata=params.get("metadata", {}),
            success_url=params["success_url"],
            cancel_url=params.get("cancel_url"),
            amount_subtotal=price["unit_amount"],
            amount_total=price["unit_amount"],
            currency=price["currency"],
            status="open",
            payment_status="unpaid",
            subscription=None,
            invoice=None,
            url=f"https://checkout.stripe.com/c/pay/{session_id}#FAKEfragment",
        )
        return self._store(session)

    def _subscription_update(self, params: dict[str, Any], id: str) -> tuple[int, dict]:
        subscription = self.objects.get(id)
        if subscription is None:
            return 404, _error("invalid_request_error", "resource_missing", f"No such subscription: '{id}'")
        if params.get("cancel_at_period_end") == "true":
            period_end = subscription["items"]["data"][0]["current_period_end"]
            subscription.update(cancel_at_period_end=True, cancel_at=period_end, canceled_at=int(time.time()))
            subscription["cancellation_details"] = {
                "comment": None,
                "feedback": None,
                "reason": "cancellation_requested",
            }
        return 200, copy.deepcopy(subscription)

    def _payment_link_create(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        price = self.objects.get(params["line_items"][0]["price"])
        if price is None:
            return 400, _error("invalid_request_error", "resource_missing", "No such price")
        link = stripe_object("payment_link")
        link_id = self._new_id("plink")
        link.update(
            id=link_id,
            currency=price["currency"],
            metadata=params.get("metadata", {}),
            url=f"https://buy.stripe.com/test_{link_id}",
        )
        link["payment_intent_data"]["metadata"] = params.get("payment_intent_data", {}).get("metadata", {})
        return self._store(link)

    def _refund_list(self, params: dict[str, Any], **_) -> tuple[int, dict]:
        refunds = self.refunds_by_charge.get(params.get("charge", ""), [])
        return 200, {"object": "list", "data": copy.deepcopy(refunds), "has_more": False, "url": "/v1/refunds"}


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    # One connection per request, so that stop() leaves nothing answering; no Nagle delay per answer.
    protocol_version = "HTTP/1.0"
    disable_nagle_algorithm = True

    def do_GET(self):
        parts = urlsplit(self.path)
        self._answer("GET", parts.path, _nested(parse_qsl(parts.query)))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self._answer("POST", urlsplit(self.path).path, _nested(parse_qsl(body, keep_blank_values=True)))

    def do_DELETE(self):
        self._answer("DELETE", urlsplit(self.path).path, {})

    def _answer(self, method: str, path: str, params: dict[str, Any]) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, body = self.stripe.handle(method, path, params, headers)
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_FAKE{int(time.time() * 1000)}")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout), as it should

    def log_message(self, format, *args):
        pass


def _error(error_type: str, code: str | None, message: str) -> dict[str, Any]:
    return {"error": {"type": error_type, "code": code, "message": message, "param": None}}


def _typed(value: Any) -> Any:
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


def _nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``line_items[0][price]=...``) back into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        names = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for name, following in itertools.zip_longest(names, names[1:]):
            slot: Any = int(name) if isinstance(node, list) else name
            if following is None:
                if isinstance(node, list):
                    node.append(value)
                else:
                    node[slot] = value
                break
            child_is_list = following.isdigit()
            if isinstance(node, list):
                while len(node) <= slot:
                    node.append([] if child_is_list else {})
                node = node[slot]
            else:
                node = node.setdefault(slot, [] if child_is_list else {})
    return root
