"""Views of the party app (红色网格): parse input, call actions, render."""
