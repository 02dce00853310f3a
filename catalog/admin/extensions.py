"""Extension points of the product admin for the apps above catalog.

Catalog imports none of publishing, api or engagement, yet some of their features belong on the
product admin (publishing prints a technical sheet or a label of the selected products). They
register them here, from their own admin module, and ``ProductAdmin`` reads this registry on
every request, so no app reaches into another's ``ModelAdmin``.

- ``product_actions_register(action)``: an admin action (a function decorated with
  ``@admin.action``) offered in the product list's action menu, with the permissions its
  decorator asks for.
- ``product_quick_actions_register(action, label=...)``: the same action as a button on one
  product's change page (it runs the action on that product only); registers the action too.

Registering twice is harmless: each action and button appears once, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class QuickAction:
    name: str  # the action's name, as the product list's action form posts it
    label: str | Promise


_actions: list[Callable] = []
_quick_actions: list[QuickAction] = []


def product_actions_register(action: Callable) -> None:
    if action not in _actions:
        _actions.append(action)


def product_quick_actions_register(action: Callable, *, label: str | Promise) -> None:
    product_actions_register(action)
    if all(quick.name != action.__name__ for quick in _quick_actions):
        _quick_actions.append(QuickAction(name=action.__name__, label=label))


def product_actions() -> tuple[Callable, ...]:
    return tuple(_actions)


def product_quick_actions() -> tuple[QuickAction, ...]:
    return tuple(_quick_actions)
