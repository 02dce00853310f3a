"""Who may edit which language, and what an API client bound to a channel may write."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.languages import language_codes


def user_editable_languages(user) -> set[str]:
    """Every language for editors; the profile's languages for translators."""
    if user is None or user.is_superuser or user.has_perm("catalog.edit_all_languages"):
        return set(language_codes())
    profile = getattr(user, "pim_profile", None)
    if profile is None:
        return set()
    return {code for code in profile.languages if code in language_codes()}


@dataclass(frozen=True)
class ChannelScope:
    """What an API client bound to one channel may write.

    Products of its channel only (created ones are put in it; membership of other channels
    is neither added nor removed), and prices of its channel for its audience (a client
    without an audience: the prices without one). Passed as ``scope`` to the write
    services; None means no channel limit (admin, imports, commands).
    """

    channel: Any
    audience: Any = None

    def check_channels(self, *, current: Iterable[int], wanted: Iterable) -> None:
        """Raise unless ``wanted`` differs from ``current`` only in the scope's channel."""
        current = set(current)
        wanted = {getattr(item, "pk", item) for item in wanted}
        others = (current ^ wanted) - {self.channel.pk}
        if others:
            raise ValidationError(
                {
                    "channels": ValidationError(
                        _("This client may publish products to channel %(channel)s only.")
                        % {"channel": self.channel.code},
                        code="out_of_scope",
                        params={"attribute": None, "locale": None, "channel": None},
                    )
                }
            )

    def covers_price(self, price) -> bool:
        """Whether a stored price is of the scope's channel and audience."""
        audience_pk = self.audience.pk if self.audience is not None else None
        return price.channel_id == self.channel.pk and price.audience_id == audience_pk

    def check_prices(self, prices: Iterable[Mapping]) -> None:
        """Raise unless every price is of the scope's channel and audience."""
        audience_pk = self.audience.pk if self.audience is not None else None
        for item in prices:
            audience = item.get("audience")
            if item["channel"].pk != self.channel.pk or (
                (audience.pk if audience is not None else None) != audience_pk
            ):
                if self.audience is None:
                    message = _(
                        "This client may set prices of channel %(channel)s only, and only "
                        "those without an audience."
                    ) % {"channel": self.channel.code}
                else:
                    message = _(
                        "This client may set prices of channel %(channel)s for audience "
                        "%(audience)s only."
                    ) % {"channel": self.channel.code, "audience": self.audience.code}
                raise ValidationError(
                    {
                        "prices": ValidationError(
                            message,
                            code="out_of_scope",
                            params={
                                "attribute": None,
                                "locale": None,
                                "channel": item["channel"].code,
                            },
                        )
                    }
                )
