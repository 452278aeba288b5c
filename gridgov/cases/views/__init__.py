"""Views of the cases app, split by audience: staff pages, public pages, administration, evaluation."""
