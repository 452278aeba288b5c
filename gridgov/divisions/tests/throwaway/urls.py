"""The project's URLs plus the throwaway app's one line, as a new app would add it."""

from django.urls import include, path

from gridgov.urls import urlpatterns as project

from . import views

lamp_patterns = ([path("", views.lamp_list, name="list")], "throwaway")
urlpatterns = [path("lamps/", include(lamp_patterns)), *project]
