"""Background tasks (django-tasks API; the backend is chosen in settings)."""

from django_tasks import task


@task()
def publication_render_task(publication_id: int) -> str:
    """Render one publication; its row records progress, log and outcome.

    Safe to run twice (a re-queued render after its worker died): a render is deterministic
    and moves its file into place in one step.
    """
    from publishing.models import Publication
    from publishing.services.publications import publication_render

    publication = Publication.objects.filter(pk=publication_id).first()
    if publication is None:  # deleted while it waited
        return "missing"
    return publication_render(publication=publication).status
