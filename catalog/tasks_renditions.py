"""Background building of image renditions (django-tasks finds a task by its import path)."""

from django_tasks import task

from catalog.services.renditions import renditions_build


@task()
def asset_renditions_task(content_hash: str, file_name: str) -> dict[str, str]:
    """Build the missing renditions of one stored image; returns spec -> storage path."""
    return renditions_build(content_hash=content_hash, file_name=file_name)
