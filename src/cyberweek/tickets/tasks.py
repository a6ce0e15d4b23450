"""Background jobs of the tickets app (Celery; inline in the embedded runtime)."""

from celery import shared_task

from . import mail


@shared_task(name="tickets.send_registration_mail")
def send_registration_mail(registration_id: int, language: str) -> bool:
    return mail.send_registration(registration_id, language=language)


@shared_task(name="tickets.send_promotion_mail")
def send_promotion_mail(registration_id: int, language: str) -> bool:
    return mail.send_promotion(registration_id, language=language)
