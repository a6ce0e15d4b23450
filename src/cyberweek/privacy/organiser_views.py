"""Staff pages: requests about personal data, consent notices, the access log."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.core.reveal import Look, RevealMixin
from cyberweek.core.views import ServiceFormView

from . import queries, services
from .forms import NoticeForm, RequestForm, RequestUpdateForm
from .models import ConsentNotice, DataSubjectRequest


class RequestsMixin(OrganiserRequiredMixin):
    """Requests are the country's: the services that act on them check the action on the
    whole country, and so do their pages, or a role that cannot act could still read."""

    required_action = "privacy.handle_requests"

    def get_scope(self):
        return {"region": None, "sector": None}


class RequestListView(RequestsMixin, ListView):
    template_name = "privacy/organiser/requests.html"
    context_object_name = "open_requests"

    def get_queryset(self):
        return queries.open_requests()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "closed_requests": queries.closed_requests()[:50],
            "overdue": queries.overdue_count(),
        }


class RequestCreateView(RequestsMixin, ServiceFormView):
    template_name = "privacy/organiser/request_form.html"
    form_class = RequestForm
    success_message = gettext_lazy("The request is logged with its deadline.")

    def perform(self, form):
        return services.open_request(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("organiser:privacy_request", args=[self.object.pk])


class RequestDetailView(RequestsMixin, RevealMixin, ServiceFormView):
    """A request's state and deadline; the requester's contact and what they wrote only
    after a reason, each look in the access log."""

    template_name = "privacy/organiser/request_detail.html"
    form_class = RequestUpdateForm
    success_message = gettext_lazy("The request is updated.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.subject_request = get_object_or_404(DataSubjectRequest, pk=kwargs["pk"])

    def get_initial(self):
        return {"status": self.subject_request.status}

    def personal_data_looks(self):
        item = self.subject_request
        return [Look(item.subject, f"privacy request #{item.pk}: contact and details")]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": self.subject_request}

    def perform(self, form):
        return services.update_request(
            actor=self.request.user, request_id=self.subject_request.pk, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("organiser:privacy_request", args=[self.subject_request.pk])

    def post(self, request, *args, **kwargs):
        if "carry_out_deletion" in request.POST:
            try:
                services.delete_account_for_request(actor=request.user, request_id=kwargs["pk"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The account has been deleted."))
            return redirect("organiser:privacy_request", kwargs["pk"])
        return super().post(request, *args, **kwargs)


class NoticeView(ServiceFormView):
    required_action = "privacy.manage"
    template_name = "privacy/organiser/notices.html"
    form_class = NoticeForm
    success_message = gettext_lazy("The new notice is published; people will be asked again.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "notices": ConsentNotice.objects.all()}

    def perform(self, form):
        return services.publish_notice(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("organiser:privacy_notices")


class AccessLogView(OrganiserRequiredMixin, TemplateView):
    required_action = "privacy.manage"
    template_name = "privacy/organiser/access_log.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "entries": queries.recent_access(),
            "check": services.verify_access_log(),
        }
