"""REST API of the accounts app."""


def register(router):
    pass
