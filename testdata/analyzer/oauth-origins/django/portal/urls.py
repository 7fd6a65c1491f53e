from django.urls import path

from . import views

urlpatterns = [
    path("auth/callback/", views.callback),
]
