"""The one way a staff page shows another person's personal data: a reason first, then the
data, each look written to the access log (`privacy.services.log_access`) with that reason.

`core` imports no app, and `accounts` does not import `privacy`, so the privacy app hands
its `log_access` to `set_access_log` when it starts; until it has, revealing fails rather
than showing data unlogged.

A page mixes in `RevealMixin` and names what it would show (`personal_data_looks`): it is
rendered without the data and with a reason form; a POST of the form with a reason logs one
access-log entry per look and renders the page again with `revealed` set. Without a reason
nothing personal is rendered and nothing is logged. The same rule holds in the Django admin
through `AdminRevealMixin`. Tickets' attendee list, activities' contact details, privacy
requests and the organiser list all use this, so "is every look logged?" has one answer.
"""

import copy
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapFormMixin

REVEAL_PREFIX = "reveal"
_access_log = None


def set_access_log(log_access) -> None:
    """Called once by the privacy app: `log_access(*, actor, what, why, subject)`."""
    global _access_log
    _access_log = log_access


@dataclass(frozen=True)
class Look:
    """One person's data a page would show: whose it is (an account, or None when the
    person has none, as an activity's contact) and what it is."""

    subject: object
    what: str


class AccessReasonForm(BootstrapFormMixin, forms.Form):
    prefix = REVEAL_PREFIX

    why = forms.CharField(
        label=_("Why do you need to see this personal information?"),
        max_length=300,
        help_text=_("Recorded in the access log with your name, as the law requires."),
    )

    def clean_why(self):
        why = self.cleaned_data["why"].strip()
        if not why:
            raise forms.ValidationError(_("Say why you need to see this personal information."))
        return why


def is_reveal_post(request) -> bool:
    return request.method == "POST" and f"{REVEAL_PREFIX}-why" in request.POST


@transaction.atomic
def record_looks(*, actor, looks, why: str) -> int:
    """Write one access-log entry per look, all or none."""
    if _access_log is None:
        raise ImproperlyConfigured("The privacy app is not installed: nothing may be revealed.")
    count = 0
    for look in looks:
        _access_log(actor=actor, subject=look.subject, what=look.what, why=why)
        count += 1
    return count


class RevealMixin:
    """For a page (after its `OrganiserRequiredMixin`) that shows personal data only with a
    reason. The template includes "core/_reveal.html" and shows the data only when
    `revealed` is true. Subclasses implement `personal_data_looks()`."""

    def personal_data_looks(self) -> list[Look]:
        raise NotImplementedError

    def shows_own_data(self) -> bool:
        """True when the viewer is the one who wrote the data (an activity's registrant):
        seeing what one typed oneself is not a look at someone else's data."""
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("reveal_form", AccessReasonForm())
        context.setdefault("revealed", self.shows_own_data())
        context["own_data"] = self.shows_own_data()
        return context

    def post(self, request, *args, **kwargs):
        # A page with its own form (a request's status) keeps it; on any other page every
        # POST is a reveal, and one without a reason is refused.
        if not is_reveal_post(request) and hasattr(super(), "post"):
            return super().post(request, *args, **kwargs)
        form = AccessReasonForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(reveal_form=form, **self._page_form())
            return self.render_to_response(context, status=400)
        record_looks(
            actor=request.user, looks=self.personal_data_looks(), why=form.cleaned_data["why"]
        )
        context = self.get_context_data(reveal_form=form, revealed=True, **self._page_form())
        return self.render_to_response(context)

    def _page_form(self) -> dict:
        # A page with its own form shows it unbound: this POST carried only the reason.
        if not hasattr(self, "get_form_class"):
            return {}
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        return {"form": self.get_form_class()(**kwargs)}


class AdminRevealMixin:
    """For a `ModelAdmin` of a model holding personal data: its change, history and delete
    pages ask for a reason first, and each look is logged. The change list must show no
    personal field (use masked columns)."""

    reveal_template = "core/admin_reveal.html"

    def personal_data_looks_for(self, obj) -> list[Look]:
        raise NotImplementedError

    def _with_reason(self, request, object_id, view, *args):
        obj = self.get_object(request, object_id)
        if obj is None:
            return view(request, object_id, *args)
        if request.method == "POST" and not is_reveal_post(request):
            # Saving, or confirming a deletion, from a page that was revealed: it goes
            # through when it succeeds (a redirect). A page it would render instead (form
            # errors, an empty POST to the delete page) names the person, so it is not
            # shown without a reason either.
            response = view(request, object_id, *args)
            if response.status_code in (301, 302, 303):
                return response
            return self._reveal_page(request, object_id, AccessReasonForm(), status=400)
        form = AccessReasonForm(request.POST if is_reveal_post(request) else None)
        if form.is_bound and form.is_valid():
            record_looks(
                actor=request.user,
                looks=self.personal_data_looks_for(obj),
                why=form.cleaned_data["why"],
            )
            # The form was a POST only to carry the reason: render the page as a GET.
            as_get = copy.copy(request)
            as_get.method = "GET"
            as_get.POST = as_get.POST.copy()
            as_get.POST.clear()
            return view(as_get, object_id, *args)
        return self._reveal_page(request, object_id, form, status=400 if form.is_bound else 200)

    def _reveal_page(self, request, object_id, form, *, status):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object_id": object_id,
            "reveal_form": form,
            "title": _("Why do you need to see this personal information?"),
        }
        return TemplateResponse(request, self.reveal_template, context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._with_reason(request, object_id, super().change_view, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._with_reason(request, object_id, super().history_view, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._with_reason(request, object_id, super().delete_view, extra_context)
