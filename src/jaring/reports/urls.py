from django.urls import path

from jaring.reports import views

urlpatterns = [
    path("monev/laporan/", views.monev_download, name="monev_download"),
]
