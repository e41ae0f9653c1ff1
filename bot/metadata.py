"""Modal private_metadata as pydantic models: what a view carries from opening to submit."""

from pydantic import BaseModel, ConfigDict, Field

from handlers.commands import CaptureChannel


class CaptureFormMetadata(BaseModel):
    """Where the capture form came from, and what its submitter has already been warned of."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel_id: str | None = None  # where the result is posted; none: a DM
    via: CaptureChannel = CaptureChannel.MODAL
    origin_url: str | None = Field(default=None, max_length=1000)  # the message a shortcut started from
    seen_duplicate: int | None = None  # the likely duplicate shown; saving again means "add it anyway"

    def dump(self) -> str:
        # Slack caps private_metadata at 3,000 characters: only what is set goes in.
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def load(cls, raw: str | None) -> "CaptureFormMetadata":
        return cls.model_validate_json(raw) if raw else cls()


class QualifyFormMetadata(BaseModel):
    """The lead a qualification form is about, and where to answer its submitter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(gt=0)
    channel_id: str | None = None

    def dump(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def load(cls, raw: str | None) -> "QualifyFormMetadata":
        return cls.model_validate_json(raw or "{}")
