"""Every Python process of a test run, the `leadbot` children too, on a clock moved to
TEST_CLOCK_AT (ISO-8601), running on from there: `make test-at AT=2026-12-07T08:34:00Z`.

Many jobs depend on the hour (a team's digest from 08:30 on working days, the chart on
Mondays), so a test that passes at night can fail in the morning. Imported at start-up only
when this folder is on PYTHONPATH. The first process works out how far to move the clock and
hands that on in TEST_CLOCK_SHIFT, so that processes started later agree with it."""

import os
import time
from datetime import datetime

if "TEST_CLOCK_SHIFT" not in os.environ and os.environ.get("TEST_CLOCK_AT"):
    at = datetime.fromisoformat(os.environ["TEST_CLOCK_AT"].replace("Z", "+00:00"))
    os.environ["TEST_CLOCK_SHIFT"] = str(at.timestamp() - time.time())

if os.environ.get("TEST_CLOCK_SHIFT"):
    import time_machine

    time_machine.travel(time.time() + float(os.environ["TEST_CLOCK_SHIFT"]), tick=True).start()
