from catalog.admin import imports, product, structure  # noqa: F401
