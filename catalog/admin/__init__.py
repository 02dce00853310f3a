from catalog.admin import product, structure  # noqa: F401
