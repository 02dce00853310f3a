"""The product workflow: draft -> in review -> approved (-> retired)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import Completeness, Product, ProductStatus
from catalog.services.completeness import completeness_recompute
from catalog.services.permissions import user_editable_languages

S = ProductStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW, S.APPROVED},
    S.IN_REVIEW: {S.DRAFT, S.APPROVED},
    S.APPROVED: {S.DRAFT, S.IN_REVIEW, S.RETIRED},
    S.RETIRED: {S.DRAFT},
}
# Moving into or out of these states needs the publisher's permission.
GUARDED = {S.APPROVED, S.RETIRED}


def product_incompleteness(*, product: Product) -> list[str]:
    """Readable reasons the product is not complete for one of its channels' locales."""
    reasons = []
    rows = Completeness.objects.filter(product=product).select_related("channel")
    linked = set(product.channels.values_list("pk", flat=True))
    measured = {(row.channel_id, row.locale) for row in rows}
    if not linked:
        return [_("it is not published to any channel")]
    for row in rows:
        if row.ratio < 100:
            reasons.append(
                _("%(channel)s/%(locale)s is %(ratio)s%% complete (missing %(missing)s)")
                % {
                    "channel": row.channel.code,
                    "locale": row.locale,
                    "ratio": row.ratio,
                    "missing": ", ".join(m["code"] for m in row.missing),
                }
            )
    if not measured and linked:
        reasons.append(_("completeness has not been computed"))
    return reasons


def product_status_check(*, current: str, status: str, user=None) -> None:
    """Raise unless the workflow and the user's rights allow going from current to status.

    Completeness, which an approval also needs, is checked by product_set_status.
    """
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}})
    if current == status:
        return
    if status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("A product cannot go from %(old)s to %(new)s.")
                % {"old": S(current).label, "new": S(status).label}
            }
        )
    guarded = status in GUARDED or current in GUARDED
    if user is not None and guarded and not user.has_perm("catalog.approve_product"):
        raise PermissionDenied(_("Only publishers may approve or retire products."))
    if user is not None and not user.has_perm("catalog.change_product"):
        raise PermissionDenied(_("You may not edit products."))
    # The status is not language content: translators may not move it (as
    # product_check_edit_rights keeps it from them in a content save), by any path.
    if user is not None and user_editable_languages(user) < set(language_codes()):
        raise PermissionDenied(_("Only editors may change the status of products."))


@transaction.atomic
def product_set_status(*, product: Product, status: str, user=None) -> Product:
    """Change the status if the workflow, the user's rights and completeness allow it."""
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}})
    current = Product.objects.select_for_update().get(pk=product.pk)
    if current.status == status:
        return current
    product_status_check(current=current.status, status=status, user=user)
    if status == S.APPROVED:
        completeness_recompute(product_ids=[current.pk], immediate=True)
        reasons = product_incompleteness(product=current)
        if reasons:
            raise ValidationError(
                {
                    "status": _("%(sku)s cannot be approved: %(reasons)s.")
                    % {"sku": current.sku, "reasons": "; ".join(reasons)}
                }
            )
    current.status = status
    current.version += 1
    if user is not None:
        current._history_user = user
    current.save(update_fields=["status", "version", "updated_at"])
    product.status, product.version = current.status, current.version
    return current
