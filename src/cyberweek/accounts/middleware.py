"""The second factor in front of the whole organiser area, before any view code runs."""

from django.shortcuts import redirect

from .mixins import needs_second_factor, second_factor_url

ORGANISER_NAMESPACE = "organiser"


class OrganiserAreaMiddleware:
    """Sends an organiser whose session has not passed the second factor from any page of
    the /organiser/ namespace to the code page. `OrganiserRequiredMixin` checks the same;
    this holds even where a view looks an object up before the mixin's check runs, and for
    pages added later. Must follow OTPMiddleware (it reads `request.user.is_verified`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or ORGANISER_NAMESPACE not in match.namespaces:
            return None
        if needs_second_factor(request.user):
            return redirect(second_factor_url(request.user, next_url=request.get_full_path()))
        return None
