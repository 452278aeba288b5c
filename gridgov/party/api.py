"""REST API of this app (registered on the root router in gridgov/api_urls.py)."""


def register(router):
    pass
