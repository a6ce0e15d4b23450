"""Staff pages of the core: the outbox of mails and other side effects."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin

from . import outbox
from .errors import DomainError
from .models import OutboxMessage

Status = OutboxMessage.Status


class OutboxView(OrganiserRequiredMixin, TemplateView):
    """What went out, what waits and what failed; a failed message can be sent again."""

    required_action = outbox.MANAGE
    template_name = "core/outbox.html"

    def get_context_data(self, **kwargs):
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        return {
            **super().get_context_data(**kwargs),
            "counts": [(status, counts.get(status.value, 0)) for status in Status],
            "failed": OutboxMessage.objects.filter(status=Status.FAILED)[:200],
            "waiting": OutboxMessage.objects.filter(status=Status.PENDING, attempts__gt=0).order_by(
                "next_attempt_at"
            )[:200],
        }

    def post(self, request, *args, **kwargs):
        try:
            outbox.retry(actor=request.user, message_id=int(request.POST.get("message", 0)))
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", _("No such message.")))
        else:
            messages.success(request, _("The message will be sent again."))
        return redirect("organiser:outbox")
