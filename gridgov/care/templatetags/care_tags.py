from django import template

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen → "12.50"."""
    try:
        return f"{int(fen) / 100:.2f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def stars(n):
    try:
        return "★" * int(n) + "☆" * (5 - int(n))
    except (TypeError, ValueError):
        return ""
