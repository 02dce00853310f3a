"""The Lumora demo: a realistic catalog, its print-to-digital journey and ``manage.py load_demo``.

The demo app sits at the top of the dependency graph: it builds its content through the
services of catalog, publishing, api and engagement, and none of them imports it. It has no
models and no migrations.
"""
