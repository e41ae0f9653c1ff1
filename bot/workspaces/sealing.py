"""Secrets sealed at rest: Slack tokens and webhook secrets go into the database as Fernet
tokens, never as themselves. Several keys may be given (LEADBOT_ENCRYPTION_KEY, comma-separated):
the first seals, every one opens, so a key is rotated by putting the new one first; the old
one may go once everything has been sealed again with the new one (SecretBox.reseal)."""
# https://cryptography.io/en/latest/fernet/#cryptography.fernet.MultiFernet

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

HOW_TO_MAKE_A_KEY = (
    'make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class BadKey(ValueError):
    """LEADBOT_ENCRYPTION_KEY cannot be used; the message is the one line to show."""


class Unreadable(Exception):
    """A sealed value none of the keys opens (a key was dropped too soon, or the row was altered)."""


class SecretBox:
    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet(_fernets(keys))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise Unreadable("a sealed secret that none of LEADBOT_ENCRYPTION_KEY's keys opens") from exc

    def reseal(self, sealed: str) -> str:
        """The same secret sealed with the first key (MultiFernet.rotate)."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise Unreadable("a sealed secret that none of LEADBOT_ENCRYPTION_KEY's keys opens") from exc


def _fernets(keys: str) -> list[Fernet]:
    given = [key.strip() for key in keys.split(",") if key.strip()]
    if not given:
        raise BadKey(f"LEADBOT_ENCRYPTION_KEY is empty: {HOW_TO_MAKE_A_KEY}.")
    fernets = []
    for number, key in enumerate(given, 1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            where = f"key {number} of {len(given)}" if len(given) > 1 else "the key"
            raise BadKey(
                f"LEADBOT_ENCRYPTION_KEY: {where} is not a Fernet key (32 url-safe base64-encoded bytes); "
                f"{HOW_TO_MAKE_A_KEY}."
            ) from exc
    return fernets
