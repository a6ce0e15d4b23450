"""A request id on every log line and response, so one request can be followed from nginx
through the web node's log. nginx passes its `$request_id` as X-Request-ID; a request that
comes without one (or with something that is not an id) gets a fresh one."""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9-]{8,64}")
current = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if _WELL_FORMED.fullmatch(offered) else uuid.uuid4().hex
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request, e.g. in Celery)."""

    def filter(self, record):
        record.request_id = current.get()
        return True
