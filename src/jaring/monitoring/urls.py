from django.urls import path

from jaring.monitoring import views

urlpatterns = [
    path("", views.coverage_dashboard, name="coverage_dashboard"),
    path("cakupan.xlsx", views.coverage_export, name="coverage_export"),
    path("impor/", views.coverage_import, name="coverage_import"),
    path("impor/templat.<str:fmt>", views.coverage_template, name="coverage_template"),
    path("skor/", views.scorecard_page, name="scorecard"),
    path("skor.xlsx", views.scorecard_export, name="scorecard_export"),
]
