"""What this app plugs into the platform (DESIGN.md, three floors)."""


def register():
    """Called from AppConfig.ready(); the app's card, nav entry and sections go here."""
