"""Lives in the demo app, the top of the dependency graph: the full demo spans catalog,
publishing, api and engagement, and none of them imports the demo."""

from django.core.management.base import BaseCommand

from demo.journey import demo_load_all


class Command(BaseCommand):
    help = (
        "Load the Lumora demo: channels, audiences, categories, families, 65 products in five "
        "languages with pictures, prices and demo users, a themed spring campaign with an "
        "offer, and two demo API clients. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=None,
            help="Load only the first N demo products (every family is still covered).",
        )

    def handle(self, *args, products=None, **options):
        summary = demo_load_all(products=products)
        if summary.created:
            created = ", ".join(f"{count} {kind}" for kind, count in summary.created.items())
            self.stdout.write(self.style.SUCCESS(f"Created {created}."))
        else:
            self.stdout.write(self.style.SUCCESS("The demo catalog is already loaded."))
        totals = ", ".join(f"{count} {kind}" for kind, count in summary.totals.items())
        self.stdout.write(f"Catalog now holds {totals}.")
        password = "the value of $PIM_DEMO_PASSWORD" if summary.password_from_env else "demo"
        self.stdout.write(
            self.style.NOTICE(
                f"Admin login: /admin/ as “{summary.admin_username}” with password {password} "
                "(also: editor, translator, publisher, viewer)."
            )
        )
        for name, token in summary.api_tokens.items():
            self.stdout.write(f"API token of “{name}”: {token}")
