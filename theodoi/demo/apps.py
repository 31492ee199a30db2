from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The 2018 Lào Cai demo: its data and the ``load_demo`` command (``theodoi demo``)."""

    name = "theodoi.demo"
    label = "demo"
    verbose_name = "Demo"
