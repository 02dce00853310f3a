"""``{% pim_jobs_banner %}``: a warning when background jobs wait and no worker runs them."""

from django import template
from django.utils.html import format_html

from catalog.jobs import no_worker_message, tasks_wait_without_worker

register = template.Library()


@register.simple_tag
def pim_jobs_banner() -> str:
    if not tasks_wait_without_worker():
        return ""
    return format_html(
        '<ul class="messagelist"><li class="error" role="alert" id="pim-no-worker">{}</li></ul>',
        no_worker_message(),
    )
