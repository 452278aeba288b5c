"""REST API of the divisions app."""


def register(router):
    pass
