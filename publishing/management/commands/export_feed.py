import sys

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Audience, Channel
from publishing.feeds import FEED_FORMATS
from publishing.feeds.files import feed_export_file, feed_write


class Command(BaseCommand):
    help = "Write a channel feed (Google Merchant RSS, CSV or JSON Lines) in one language."

    def add_arguments(self, parser):
        parser.add_argument("--channel", required=True)
        parser.add_argument("--locale", required=True)
        parser.add_argument("--format", choices=sorted(FEED_FORMATS), default="merchant")
        parser.add_argument("--audience")
        parser.add_argument(
            "--output",
            help="A file path, or - for standard output; default: media storage "
            "(feeds/<channel>/<locale>/products.<ext>).",
        )

    def handle(self, *args, **options):
        channel = Channel.objects.filter(code=options["channel"]).first()
        if channel is None:
            raise CommandError(f"Unknown channel {options['channel']!r}.")
        if options["locale"] not in channel.locales:
            raise CommandError(
                f"Channel {channel.code} publishes in {', '.join(channel.locales)}, "
                f"not {options['locale']}."
            )
        audience = None
        if options["audience"]:
            audience = Audience.objects.filter(code=options["audience"]).first()
            if audience is None:
                raise CommandError(f"Unknown audience {options['audience']!r}.")
        kwargs = {
            "kind": options["format"],
            "channel": channel,
            "locale": options["locale"],
            "audience": audience,
        }
        output = options["output"]
        if output == "-":
            feed_write(sys.stdout.buffer, **kwargs)
            return
        if output:
            with open(output, "wb") as handle:
                feed_write(handle, **kwargs)
            self.stderr.write(self.style.SUCCESS(f"Wrote {output}"))
            return
        path = feed_export_file(**kwargs)
        self.stderr.write(self.style.SUCCESS(f"Wrote {path} in media storage"))
