"""The Permissions-Policy header: which browser features (camera, microphone, geolocation…)
a page may use. Django has no setting for it, and the maintained package for it would add a
dependency for one header; this is that header, built once from `PERMISSIONS_POLICY`.

Every feature is off (`camera=()`) unless a view turns one on for its own response with
`allow(camera=["self"])`, as the check-in scanner does.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings


def header_value(policy: dict[str, list[str]]) -> str:
    """`{"camera": ["self"], "geolocation": []}` → `camera=(self), geolocation=()`."""
    parts = []
    for feature, origins in sorted(policy.items()):
        allowed = " ".join(
            origin if origin in ("self", "*") else f'"{origin}"' for origin in origins
        )
        parts.append(f"{feature}=({allowed})")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable):
        self.get_response = get_response
        self.policy = dict(getattr(settings, "PERMISSIONS_POLICY", {}))
        # Built once: the header costs each response one dictionary assignment.
        self.value = header_value(self.policy)

    def __call__(self, request):
        response = self.get_response(request)
        if "Permissions-Policy" in response:
            return response
        extra = getattr(response, "_permissions_policy", None)
        response["Permissions-Policy"] = (
            header_value({**self.policy, **extra}) if extra else self.value
        )
        return response


def allow(**features: list[str]) -> Callable:
    """A view decorator: these features, for these origins, on this view's responses only.
    Feature names use underscores for hyphens: `allow(camera=["self"])`."""
    granted = {name.replace("_", "-"): list(origins) for name, origins in features.items()}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response._permissions_policy = granted
            return response

        return wrapped

    return decorator
