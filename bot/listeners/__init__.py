"""Bolt listeners, one module per Slack surface, each with register(app, deps)."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import (
    actions,
    bulk,
    commands,
    errors,
    events,
    followups,
    import_upload,
    lists,
    outsiders,
    privacy,
    qualify,
    report_files,
    routing,
    shortcuts,
    views,
)
from bot.workspaces.tenancy import Home


def register(app: App, deps: Deps, home: Home) -> None:
    outsiders.register(app, home)  # first: nothing from an installation we do not serve goes further
    commands.register(app, deps)  # first: /lead is the most frequent request (see there)
    qualify.register(app, deps)
    import_upload.register(app, deps)
    privacy.register(app, deps)  # personal data: /lead privacy, admins only
    report_files.register(app, deps)  # /lead report … csv|chart: a file in the asker's DM
    bulk.register(app, deps)  # bulk actions' buttons, /lead undo, /lead history paging
    actions.register(app, deps)
    lists.register(app, deps)  # Previous / Next of /lead list
    followups.register(app, deps)
    shortcuts.register(app, deps)
    views.register(app, deps)
    events.register(app, deps)
    routing.register(app, deps)
    errors.register(app)
