"""Settings: `regions.yaml` read safely (line numbers kept, duplicate keys refused) and validated
against a typed schema into frozen settings. Everything else builds on what this returns.
"""

from . import schema, services
from .safe_yaml import YamlError, decode, load_yaml
from .settings import (
    CONFIG_FILE,
    REGION_ID,
    RESERVED_IDS,
    CheckSettings,
    DocumentSettings,
    RegionConfig,
    SiteConfig,
    freeze,
    load_config,
)

__all__ = [
    "CONFIG_FILE",
    "REGION_ID",
    "RESERVED_IDS",
    "CheckSettings",
    "DocumentSettings",
    "RegionConfig",
    "SiteConfig",
    "YamlError",
    "decode",
    "freeze",
    "load_config",
    "load_yaml",
    "schema",
    "services",
]
