"""`ManyOptionsSelect` writes exactly the HTML of Django's Select templates, option by option."""

import pytest
from django import forms

from gridgov.core.widgets import ManyOptionsSelect

CHOICES = [("", "全部"), (1, "丹阳 & <社区>"), ("a\"b", "引号"), ("组", [(2, "二"), (3, "三")]), (4, "四")]


@pytest.mark.parametrize("value", [None, "", 1, "1", 3, ["4"]])
def test_same_html_as_django_select(value):
    attrs = {"class": "form-select", "id": "id_p", "required": True, "disabled": False, "data-x": "<y>"}
    ours = ManyOptionsSelect(choices=CHOICES).render("p", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("p", value, attrs=attrs)
    assert str(ours) == str(django)


def test_a_model_choice_field_renders_the_same(db, tree):
    from gridgov.divisions.models import Division

    qs = Division.objects.order_by("code")
    ours = forms.ModelChoiceField(qs, widget=ManyOptionsSelect, empty_label="全部").widget
    django = forms.ModelChoiceField(qs, empty_label="全部").widget
    first = qs.first().pk
    assert str(ours.render("d", first, attrs={"id": "d"})) == str(django.render("d", first, attrs={"id": "d"}))


def test_hostile_labels_values_and_group_names_are_escaped():
    """The widget builds HTML by hand and marks it safe: every piece of data in it is escaped."""
    hostile = '"><script>alert(1)</script>'
    choices = [(hostile, hostile), (hostile, [(1, hostile)])]
    html = str(ManyOptionsSelect(choices=choices).render("p", None, attrs={"data-x": hostile}))
    assert "<script>" not in html and '"><' not in html
    assert html.count("&lt;script&gt;") == 5  # the value, the label, the group name, the option, the attribute
