from django.urls import path

from jaring.contributions import views

urlpatterns = [
    path("", views.budget_planning, name="budget_planning"),
    path("skenario/baru/", views.scenario_create, name="scenario_create"),
    path("skenario/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("skenario/banding/", views.scenario_compare, name="scenario_compare"),
    path("skenario/banding.xlsx", views.scenario_compare_xlsx, name="scenario_compare_xlsx"),
    path("tarif/", views.rate_rule_list, name="rate_rule_list"),
    path("tarif/baru/", views.rate_rule_create, name="rate_rule_create"),
    path("tarif/<int:pk>/", views.rate_rule_detail, name="rate_rule_detail"),
    path("pekerja-rentan/", views.worker_count_list, name="worker_count_list"),
    path("pekerja-rentan/impor/", views.worker_count_import, name="worker_count_import"),
]
