"""Models of the base-information registry (基础信息库)."""

from .buildings import Building, House
from .components import Component, ComponentClass
from .entities import LegalEntity
from .fieldwork import ChangeRequest, Visit
from .people import CareTag, Household, Person, PersonEvent, PopulationSum

__all__ = [
    "Building",
    "CareTag",
    "ChangeRequest",
    "Component",
    "ComponentClass",
    "House",
    "Household",
    "LegalEntity",
    "Person",
    "PersonEvent",
    "PopulationSum",
    "Visit",
]
