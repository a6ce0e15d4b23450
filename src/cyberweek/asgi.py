import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberweek.settings")
application = get_asgi_application()

# After setup, because it reads the database: a node whose key ring cannot read the data
# refuses to start instead of answering every request with an error.
from cyberweek.core.key_check import require_usable_key_ring  # noqa: E402

require_usable_key_ring()
