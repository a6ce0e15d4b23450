"""cyberweek: the platform that runs a national cybersecurity awareness week.

Nothing is imported here, so `cyberweek.pii` works alone, without Django or Celery; the
Celery application is loaded by `core`'s AppConfig.ready() in every Django process."""
