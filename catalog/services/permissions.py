"""Who may edit which language."""

from catalog.languages import language_codes


def user_editable_languages(user) -> set[str]:
    """Every language for editors; the profile's languages for translators."""
    if user is None or user.is_superuser or user.has_perm("catalog.edit_all_languages"):
        return set(language_codes())
    profile = getattr(user, "pim_profile", None)
    if profile is None:
        return set()
    return {code for code in profile.languages if code in language_codes()}
