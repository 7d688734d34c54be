"""The web UI routes (being written)."""


class WebRoutes:
    pass
