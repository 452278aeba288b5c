"""REST API of the core app."""


def register(router):
    pass
