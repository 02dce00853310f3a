from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_client_create
from catalog.models import Audience, Channel


class Command(BaseCommand):
    help = "Create an API client for one channel and print its token (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--channel", required=True, help="Channel code.")
        parser.add_argument("--audience", help="Audience code (prices and content it sees).")
        parser.add_argument("--user", help="Username whose permissions allow writes.")
        parser.add_argument("--rate", default="", help="Rate limit such as 600/min.")

    def handle(self, *args, **options):
        channel = Channel.objects.filter(code=options["channel"]).first()
        if channel is None:
            raise CommandError(f"Unknown channel {options['channel']!r}.")
        audience = None
        if options["audience"]:
            audience = Audience.objects.filter(code=options["audience"]).first()
            if audience is None:
                raise CommandError(f"Unknown audience {options['audience']!r}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']!r}.")
        client, token = api_client_create(
            name=options["name"],
            channel=channel,
            audience=audience,
            user=user,
            throttle_rate=options["rate"],
        )
        self.stdout.write(self.style.SUCCESS(f"Created API client {client.name} (#{client.pk})."))
        self.stdout.write("Token (store it now; it cannot be shown again):")
        self.stdout.write(token)
