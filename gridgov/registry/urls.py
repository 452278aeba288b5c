from django.urls import path

from .views import changes, imports, maps, mobile, people, places

app_name = "registry"
urlpatterns = [
    path("search/", people.search, name="search"),
    path("basemap.json", maps.base_map, name="basemap"),
    path("grid-at.json", maps.grid_at, name="grid_at"),
    path("persons/", people.person_list, name="person_list"),
    path("persons/new/", people.person_create, name="person_create"),
    path("persons/export/", people.person_export, name="person_export"),
    path("persons/<int:pk>/", people.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal/", people.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/house/", people.person_change_house, name="person_change_house"),
    path("persons/<int:pk>/<str:kind>/", people.person_event, name="person_event"),
    path("care/", people.care_list, name="care_list"),
    path("grids/", places.grid_list, name="grid_list"),
    path("grids/<str:code>/", places.grid_detail, name="grid_detail"),
    path("grids/<str:code>/buildings/new/", places.building_create, name="building_create"),
    path("grids/<str:code>/entities/new/", places.entity_create, name="entity_create"),
    path("grids/<str:code>/components/new/", places.component_create, name="component_create"),
    path("buildings/", places.building_list, name="building_list"),
    path("buildings/<int:pk>/", places.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", places.building_edit, name="building_edit"),
    path("buildings/<int:pk>/houses/new/", places.house_create, name="house_create"),
    path("houses/<int:pk>/", places.house_detail, name="house_detail"),
    path("entities/", places.entity_list, name="entity_list"),
    path("entities/<int:pk>/", places.entity_detail, name="entity_detail"),
    path("components/", places.component_list, name="component_list"),
    path("components/<int:pk>/", places.component_detail, name="component_detail"),
    path("import/", imports.import_page, name="import"),  # → core:import
    path("import/preview/<int:pk>/", imports.import_preview, name="import_preview"),  # → core:import_preview
    path("changes/", changes.changerequest_list, name="changerequest_list"),
    path("changes/<int:pk>/review/", changes.changerequest_review, name="changerequest_review"),
    path("m/", mobile.mobile_home, name="mobile_home"),
    path("m/buildings/<int:pk>/", mobile.mobile_building, name="mobile_building"),
    path("m/houses/<int:pk>/", mobile.mobile_house, name="mobile_house"),
    path("m/houses/<int:pk>/visit/", mobile.mobile_visit, name="mobile_visit"),
    path("m/<str:kind>/<int:pk>/change/", mobile.mobile_change, name="mobile_change"),
    path("visits/<int:pk>/photo/", mobile.visit_photo, name="visit_photo"),
]
