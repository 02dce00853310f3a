"""Background tasks (django-tasks API; the backend is chosen in settings)."""

from django_tasks import task


@task()
def publication_render_task(publication_id: int) -> str:
    """Render one publication; its row records progress, log and outcome."""
    from publishing.models import Publication
    from publishing.services.publications import publication_render

    publication = Publication.objects.get(pk=publication_id)
    return publication_render(publication=publication).status
