from catalog.models.asset import Asset, AssetKind, AssetRole
from catalog.models.attribute import Attribute, AttributeOption, AttributeType
from catalog.models.category import Category
from catalog.models.channel import Audience, Channel, ChannelKind
from catalog.models.completeness import Completeness
from catalog.models.family import Family, FamilyAttribute, FamilyChannelRequirement
from catalog.models.people import EditorProfile
from catalog.models.price import Price
from catalog.models.product import Product, ProductModel, ProductStatus

__all__ = [
    "Asset",
    "AssetKind",
    "AssetRole",
    "Attribute",
    "AttributeOption",
    "AttributeType",
    "Audience",
    "Category",
    "Channel",
    "ChannelKind",
    "Completeness",
    "EditorProfile",
    "Family",
    "FamilyAttribute",
    "FamilyChannelRequirement",
    "Price",
    "Product",
    "ProductModel",
    "ProductStatus",
]
