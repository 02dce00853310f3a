"""Reading the category tree as a whole."""

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.models import Category


@dataclass(frozen=True)
class CategoryNode:
    """Where one category sits in the tree."""

    pk: int
    depth: int
    sort_key: tuple
    path: tuple[str, ...]  # display names from the root down to the category itself

    @property
    def label(self) -> str:
        return " › ".join(self.path)


def category_tree(*, categories: Iterable[Category] | None = None) -> dict[int, CategoryNode]:
    """Depth, tree order (siblings by position, then code) and full path of every category.

    Built from one query over all categories, so lists never look parents up row by row.
    Sorting by ``sort_key`` puts every parent right before its subtree.
    """
    by_pk = {c.pk: c for c in (Category.objects.all() if categories is None else categories)}
    nodes: dict[int, CategoryNode] = {}
    for pk in by_pk:
        chain = []
        current = by_pk.get(pk)
        while current is not None and current.pk not in nodes:
            if current in chain:  # a cycle in the data: treat its first member as a root
                break
            chain.append(current)
            current = by_pk.get(current.parent_id)
        parent = nodes.get(current.pk) if current is not None else None
        for category in reversed(chain):
            step = ((category.position, category.code),)
            label = (str(category),)
            parent = nodes[category.pk] = CategoryNode(
                pk=category.pk,
                depth=parent.depth + 1 if parent else 0,
                sort_key=parent.sort_key + step if parent else step,
                path=parent.path + label if parent else label,
            )
    return nodes


def category_save(*, category: Category, user=None) -> Category:
    """Validate (code, no cycles) and save a category: the admin's rules for API writes too."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django.utils.translation import gettext as _

    if user is not None:
        action = "change" if category.pk else "add"
        if not user.has_perm(f"catalog.{action}_category"):
            raise PermissionDenied(_("You may not edit categories."))
    with transaction.atomic():
        category.full_clean()
        category.save()
    return category
