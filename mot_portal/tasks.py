from celery import shared_task
from django.db import connection


@shared_task(name="mot_portal.health", acks_late=True, soft_time_limit=10, time_limit=20)  # idempotent: reads only
def health() -> dict[str, str]:
    """Prove that a worker runs and reaches the database. Idempotent: reads only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "database": connection.vendor}
