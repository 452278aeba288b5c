"""Bulk imports of the registry (CSV/XLSX with Chinese headers) on the shared framework
`gridgov.core.importing`. `IMPORT_SPECS` is what `gridgov import KIND FILE` and the upload page
use; specs accept an optional `actor` so that validation reports out-of-scope rows."""

from .entities import ComponentImport, EntityImport
from .persons import PersonImport
from .places import BuildingImport, HouseholdImport, HouseImport

IMPORT_SPECS = {
    "persons": PersonImport,
    "households": HouseholdImport,
    "buildings": BuildingImport,
    "houses": HouseImport,
    "entities": EntityImport,
    "components": ComponentImport,
}

__all__ = [
    "IMPORT_SPECS", "BuildingImport", "ComponentImport", "EntityImport", "HouseImport", "HouseholdImport",
    "PersonImport",
]
