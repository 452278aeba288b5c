"""Sections of "my data" from the portal's other tables (bookings, session sign-ups, ratings)."""


def sections():
    return []
