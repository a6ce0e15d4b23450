from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from cyberweek.api import api
from cyberweek.core import health, metrics
from cyberweek.core import views as core_views
from cyberweek.quiz import answer_endpoint
from cyberweek.showcase import tus

handler400 = core_views.bad_request
handler404 = core_views.not_found
handler500 = core_views.server_error

urlpatterns = [
    # Before the NinjaAPI's own routes: a plain view, for speed (see its module).
    path(
        "api/quiz/attempts/<int:attempt_id>/answers/<int:position>",
        answer_endpoint.put_answer,
        name="api-quiz-answer",
    ),
    # The tus resumable-upload endpoints for contest videos (no language prefix: a protocol).
    path("showcase/tus/", tus.create, name="showcase-tus"),
    path("showcase/tus/<str:upload_id>", tus.upload, name="showcase-tus-upload"),
    path("api/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
]

# Chinese pages live at the root, English ones under /en/.
urlpatterns += i18n_patterns(
    path("", include("cyberweek.programme.urls")),
    path("accounts/", include("cyberweek.accounts.urls")),
    path("privacy/", include("cyberweek.privacy.urls")),
    path("activities/", include("cyberweek.activities.urls")),
    path("quiz/", include("cyberweek.quiz.urls")),
    path("tickets/", include("cyberweek.tickets.urls")),
    path("ctf/", include("cyberweek.ctf.urls")),
    path("tipline/", include("cyberweek.tipline.urls")),
    path("showcase/", include("cyberweek.showcase.urls")),
    path("campaigns/", include("cyberweek.campaigns.urls")),
    path("open-data/", include("cyberweek.insights.urls")),
    path("organiser/", include(("cyberweek.organiser_urls", "organiser"))),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(settings.ADMIN_URL, admin.site.urls),
    prefix_default_language=False,
)
