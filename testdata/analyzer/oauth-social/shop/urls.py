from django.urls import include, path

urlpatterns = [
    path("oauth/", include("social_django.urls", namespace="social")),
]
