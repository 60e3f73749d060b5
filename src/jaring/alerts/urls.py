from django.urls import path

from jaring.alerts import views

urlpatterns = [
    path("peringatan/", views.alert_inbox, name="alert_inbox"),
    path("peringatan/perbarui/", views.alert_refresh, name="alert_refresh"),
    path("peringatan/<int:pk>/tanggapi/", views.alert_acknowledge, name="alert_acknowledge"),
]
