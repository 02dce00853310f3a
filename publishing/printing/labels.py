"""Label formats: single labels for label printers and A4 sheets of adhesive labels."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LabelFormat:
    code: str
    name: str
    label_width: float  # mm
    label_height: float
    columns: int = 1
    rows: int = 1
    page_width: float | None = None  # None: the page is the label
    page_height: float | None = None
    density: str = "large"  # "large" or "small": how much fits on one label

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_sheet(self) -> bool:
        return self.page_width is not None

    @property
    def page_size(self) -> str:
        width = self.page_width or self.label_width
        height = self.page_height or self.label_height
        return f"{width}mm {height}mm"

    @property
    def margin_top(self) -> float:
        return ((self.page_height or 0) - self.rows * self.label_height) / 2 if self.is_sheet else 0

    @property
    def margin_side(self) -> float:
        return (
            ((self.page_width or 0) - self.columns * self.label_width) / 2 if self.is_sheet else 0
        )


LABEL_FORMATS = {
    f.code: f
    for f in (
        LabelFormat("100x50", _("Single label 100 × 50 mm"), 100, 50),
        LabelFormat("62x29", _("Single label 62 × 29 mm"), 62, 29, density="small"),
        LabelFormat(
            "a4-3x8",
            _("A4 sheet, 3 × 8 labels of 70 × 36 mm"),
            70,
            36,
            3,
            8,
            210,
            297,
            density="small",
        ),
    )
}
DEFAULT_LABEL_FORMAT = "100x50"


def label_format_choices() -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in LABEL_FORMATS.values()]
