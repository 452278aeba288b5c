"""A throwaway app that exists only in tests: one grid-scoped model, a menu entry, a page, an
indicator and a redraw rule, declared in its own `contributions.py` and nowhere else. Issue 10's
proof that a new app is one folder plus one line in INSTALLED_APPS (and one in urls)."""
