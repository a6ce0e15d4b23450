"""The organiser pages of the dashboards: a region's figures (with a live JSON twin), its
end-of-week report (requested, followed, downloaded) and report subscriptions."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cyberweek.accounts.mixins import OrganiserRequiredMixin
from cyberweek.core.errors import DomainError
from cyberweek.geo.queries import region_options

from . import queries, services, summaries
from .actions import VIEW
from .forms import DashboardForm, ReportForm, SubscriptionForm
from .models import Language, ReportBuild, ReportSubscription


class DashboardView(OrganiserRequiredMixin, TemplateView):
    """A region's figures over the edition's days: `?region=`, `?first=`, `?last=`,
    `?year=`. A region outside the actor's roles is refused (403) like every organiser page;
    days outside the edition and unknown regions answer 400 with the reason."""

    required_action = VIEW
    template_name = "insights/organiser/dashboard.html"

    def get_scope(self):
        self.form = DashboardForm(self.request.GET or None)
        self.region = None
        if self.form.is_bound and self.form.is_valid():
            self.region = self.form.cleaned_data["region"]
        if self.region is None:
            self.region = queries.default_region(self.request.user)
        if self.region is None:
            return None
        return {"region": services.scope_of(self.region)}

    def refuse(self, message: str | None = None):
        context = {"form": self.form, "message": message, "region_options": region_options()}
        return render(self.request, "insights/organiser/refused.html", context, status=400)

    def get(self, request, *args, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            return self.refuse()
        try:
            self.edition = queries.edition_for_year(request.GET.get("year", ""))
            cleaned = self.form.cleaned_data if self.form.is_bound else {}
            self.first, self.last = queries.day_range(
                self.edition, cleaned.get("first"), cleaned.get("last")
            )
        except DomainError as error:
            return self.refuse(error.message)
        summaries.refresh_if_stale(self.edition)
        return self.answer()

    def answer(self):
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        # Plain values, not the report and subscription forms: the page only lists their
        # choices, and building two forms per view cost more than the rest of the context.
        english = (get_language() or "").startswith("en")
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "edition": self.edition,
            "region": self.region,
            "figures": self.figures(),
            "report_languages": Language.choices,
            "language": "en" if english else "zh-hans",
            "frequencies": ReportSubscription.Frequency.choices,
            "subscriptions": ReportSubscription.objects.filter(
                user=self.request.user
            ).select_related("region"),
            "builds": ReportBuild.objects.filter(edition=self.edition, region=self.region)[:5],
            "year": self.edition.year,
        }

    def figures(self) -> str:
        """The figures' part of the page (totals, map, tables, the charts' JSON), rendered
        once per region, days, language and refresh generation, then shared by everyone
        whose scope the dispatch has already checked against this region.

        One round trip reads both the generation and the fragment, which carries the
        generation it was drawn from: a refresh makes every fragment older than it count
        as missing, so the page never shows figures older than the summary rows. Without
        the cache (Redis down) the generation comes from the database and the fragment is
        drawn afresh."""
        key = (
            f"insights:figures:{self.edition.pk}:{self.region.code}:{self.first}:{self.last}:"
            f"{get_language()}"
        )
        generation_key = queries.generation_key(self.edition.pk)
        found = cache.get_many([generation_key, key])
        state = tuple(found[generation_key]) if generation_key in found else None
        stored = found.get(key)
        if state is not None and stored is not None and stored[0] == state:
            return mark_safe(stored[1])  # noqa: S308 (rendered by our own template, escaped there)
        state = state or queries.generation(self.edition)
        payload = queries.dashboard(
            edition=self.edition, region=self.region, first=self.first, last=self.last, state=state
        )
        query = {"region": self.region.code, "year": self.edition.year}
        if self.form.is_bound:
            query |= {k: v for k, v in self.request.GET.items() if k in {"first", "last"}}
        html = render_to_string(
            "insights/organiser/_figures.html",
            {
                "edition": self.edition,
                "region": self.region,
                "payload": payload,
                "year": self.edition.year,
                "data_url": f"{reverse('organiser:insights_data')}?{urlencode(query)}",
                "cards": [(m, payload["totals"][m["code"]]) for m in payload["metrics"]],
                "refresh_ms": settings.INSIGHTS_REFRESH_SECONDS * 1000,
                "refreshed": payload["refreshed_at"][:19].replace("T", " "),
            },
        )
        cache.set(key, (state, html), queries.CACHE_SECONDS)
        return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


class DashboardDataView(DashboardView):
    """The same figures as JSON: the page polls it to refresh its charts during the Week."""

    def refuse(self, message: str | None = None):
        errors = {f: [str(e) for e in errs] for f, errs in self.form.errors.items()}
        return JsonResponse({"detail": message or "", "errors": errors}, status=400)

    def answer(self):
        payload = queries.dashboard(
            edition=self.edition, region=self.region, first=self.first, last=self.last
        )
        return JsonResponse(payload)


class ReportRequestView(OrganiserRequiredMixin, View):
    required_action = VIEW

    def post(self, request):
        form = ReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("organiser:insights")
        try:
            edition = queries.edition_for_year(request.POST.get("year", ""))
            build = services.request_report(
                actor=request.user,
                edition=edition,
                region=form.cleaned_data["region"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)
        return redirect("organiser:insights_report", pk=build.pk)


class ReportStatusView(OrganiserRequiredMixin, View):
    """A build's progress; the page polls its own fragment (htmx) until the build ends."""

    required_action = VIEW

    def get(self, request, pk):
        try:
            build = services.build_status(actor=request.user, build_id=pk)
        except DomainError as error:
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)
        template = (
            "insights/organiser/_report_status.html"
            if request.headers.get("HX-Request")
            else "insights/organiser/report.html"
        )
        return render(request, template, {"build": build})


class ReportDownloadView(OrganiserRequiredMixin, View):
    required_action = VIEW

    def get(self, request, pk):
        try:
            build = services.report_for_download(actor=request.user, build_id=pk)
        except DomainError as error:
            return render(request, "core/forbidden.html", {"message": error.message}, status=403)
        if not build.file:
            raise Http404(_("The report file is missing."))
        name = f"cyberweek-{build.edition.year}-{build.region.code}-{build.language}.pdf"
        return FileResponse(
            build.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
        )


class SubscriptionView(OrganiserRequiredMixin, View):
    required_action = VIEW

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect("organiser:insights")
        try:
            services.subscribe(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report will be mailed to you."))
        return redirect(
            f"{reverse('organiser:insights')}?region={form.cleaned_data['region'].code}"
        )


class UnsubscribeView(OrganiserRequiredMixin, View):
    required_action = VIEW

    def post(self, request, pk):
        try:
            services.unsubscribe(actor=request.user, subscription_id=pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report will no longer be mailed to you."))
        return redirect("organiser:insights")
