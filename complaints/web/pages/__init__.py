"""The pages, one module each: every module gives its `routes`, each route a call into the library."""

from __future__ import annotations

from importlib import import_module

from starlette.routing import BaseRoute

# each page module, in the order of the menu
MODULES = (
    "home",
    "first_run",
    "cases",
    "case",
    "capturing",
    "letters",
    "batch",
    "importing",
    "register",
    "settings",
)


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for name in MODULES:
        found += import_module(f".{name}", __name__).routes
    return found
