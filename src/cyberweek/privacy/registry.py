"""The registry of personal data: every app's `personal_data.SOURCES`, found at start-up.

Export, deletion and retention walk these sources; nothing in `privacy` knows an app's
models otherwise.
"""

from functools import cache
from importlib import import_module

from django.apps import apps

from cyberweek.core.personal_data import PersonalDataSource


@cache
def sources() -> tuple[PersonalDataSource, ...]:
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.personal_data":
                raise
            continue
        found.extend(getattr(module, "SOURCES", ()))
    keys = [s.key for s in found]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"personal data sources declared twice: {sorted(duplicates)}")
    return tuple(found)


def declared_models() -> set[str]:
    return {label.lower() for source in sources() for label in source.models}
