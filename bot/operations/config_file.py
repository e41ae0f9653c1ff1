"""Reading the TOML config named by LEADBOT_CONFIG into domain.config models."""

import tomllib
from pathlib import Path

from domain.config import LeadbotConfig, default_config, parse_config
from domain.errors import ConfigError


def load_config(path: str | None) -> LeadbotConfig:
    """No path: the defaults. A bad file: ConfigError naming the file, key and problem."""
    if not path:
        return default_config()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"LEADBOT_CONFIG names {path}, which does not exist.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse_config(data, origin=str(file))
