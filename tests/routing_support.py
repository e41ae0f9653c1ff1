"""Two routed teams for the routing tests: EMEA (mia manages ann and ben) and NA (noa
manages ron), a rule sending product X from Germany to EMEA, NA the fallback."""

import hashlib
import hmac
import json
from typing import Any

from support import ANN, BEN, MIA

from domain.config import LeadbotConfig, parse_config

NOA, RON = "U0MGR0NOA", "U0REP0RON"
EMEA_CHANNEL, NA_CHANNEL = "C0EMEA", "C0NASALES"


def routing_data(**emea_routing: Any) -> dict[str, Any]:
    return {
        "admins": ["U0ADM0ADA"],
        "teams": [
            {
                "key": "na",
                "name": "North America",
                "channel": NA_CHANNEL,
                "managers": [NOA],
                "members": [RON],
            },
            {
                "key": "emea",
                "name": "EMEA",
                "channel": EMEA_CHANNEL,
                "managers": [MIA],
                "members": [ANN, BEN],
                "timezone": "Europe/Berlin",
                "routing": emea_routing,
            },
        ],
        "routing": {
            "fallback_team": "na",
            "regions": {"DACH": ["DE", "Germany", "AT", "Austria", "CH"]},
            "rules": [
                {"name": "EMEA-enterprise", "team": "emea", "countries": ["DACH"], "products": ["X"]},
                {"name": "EMEA-hot", "team": "emea", "score_min": 80},
            ],
        },
    }


def routing_config(**emea_routing: Any) -> LeadbotConfig:
    return parse_config(routing_data(**emea_routing), origin="test")


def signed(lead: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """A web-form body and the header that signs it (DESIGN.md: X-Leadbot-Signature)."""
    body = json.dumps(lead).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Leadbot-Signature": f"sha256={digest}"}
