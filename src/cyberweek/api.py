"""The JSON API: one NinjaAPI, a router per app. OpenAPI at /api/openapi.json, docs at /api/docs."""

from cyberweek.activities.api import router as activities_router
from cyberweek.campaigns.api import router as campaigns_router
from cyberweek.core.api_problems import ProblemNinjaAPI
from cyberweek.core.api_problems import install as install_problem_handlers
from cyberweek.ctf.api import router as ctf_router
from cyberweek.insights.api import router as insights_router
from cyberweek.privacy.api import router as privacy_router
from cyberweek.programme.api import router as programme_router
from cyberweek.quiz import answer_endpoint
from cyberweek.quiz.api import router as quiz_router
from cyberweek.showcase.api import router as showcase_router
from cyberweek.tickets.api import router as tickets_router
from cyberweek.tipline.api import router as tipline_router

api = ProblemNinjaAPI(
    title="cyberweek API",
    version="1",
    description=(
        "Public, read-only data of the National Cybersecurity Awareness Week. Errors are "
        "RFC 9457 problem documents (application/problem+json). Lists are paginated."
    ),
    urls_namespace="api",
)
install_problem_handlers(api)
api.add_router("/", programme_router)
api.add_router("/privacy", privacy_router)
api.add_router("/activities", activities_router)
api.add_router("/quiz", quiz_router)
api.document_view(answer_endpoint.document)
api.add_router("/tickets", tickets_router)
api.add_router("/ctf", ctf_router)
api.add_router("/tipline", tipline_router)
api.add_router("/showcase", showcase_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/insights", insights_router)
