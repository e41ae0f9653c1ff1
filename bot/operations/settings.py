"""Environment settings (and a .env file), built once in bot.operations.cli and passed down."""
# https://docs.pydantic.dev/latest/concepts/pydantic_settings/

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API = "https://slack.com/api/"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API
    database_url: str = "sqlite:///leadbot.db"
    leadbot_config: str | None = Field(default=None, validation_alias=AliasChoices("LEADBOT_CONFIG"))
    leadbot_webhook_secret: SecretStr | None = None
    leadbot_log_format: str = "text"  # or "json": one JSON object a line (bot/operations/logs.py)
    # `leadbot serve`'s HTTP server (bot/web/server.Limits); its flags override these, and
    # bot.operations.cli checks the values (a clear line naming the setting, not a validation traceback)
    leadbot_http_threads: int = 8
    leadbot_http_connections: int = 200
    leadbot_http_idle_timeout: int = 30
    leadbot_http_request_timeout: int = 10
    leadbot_http_grace: float = 20.0
    # Multi-workspace install (OAuth v2, bot/workspaces/oauth.py): all three, or none for single-token mode.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    leadbot_encryption_key: SecretStr | None = None  # Fernet keys, comma-separated; the first seals
    # Where Slack and web forms reach `leadbot serve` (https://leads.example.com): the OAuth
    # redirect URL, and the webhook address `/lead webhook` shows. Optional.
    leadbot_public_url: str | None = None

    @property
    def api_url(self) -> str:
        # WebClient joins method names onto base_url, so it must end with "/".
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "leadbot_webhook_secret",
        "slack_client_id",
        "slack_client_secret",
        "leadbot_encryption_key",
        "leadbot_public_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `SLACK_BOT_TOKEN=` in a .env means "no token", not an empty one.
        return None if isinstance(value, str) and not value.strip() else value

    def has_slack(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def oauth(self) -> bool:
        """Multi-workspace mode: installed through /slack/install, one token per workspace."""
        return self.slack_client_id is not None
