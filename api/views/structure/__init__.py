"""The catalog's structure resources, one module per resource."""

from api.views.structure.assets import AssetViewSet
from api.views.structure.attributes import AttributeViewSet
from api.views.structure.audiences import AudienceViewSet
from api.views.structure.categories import CategoryViewSet
from api.views.structure.channels import ChannelViewSet
from api.views.structure.families import FamilyViewSet

__all__ = [
    "AssetViewSet",
    "AttributeViewSet",
    "AudienceViewSet",
    "CategoryViewSet",
    "ChannelViewSet",
    "FamilyViewSet",
]
