from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models: the app is installed for its management command (load_demo) only.
    name = "demo"
