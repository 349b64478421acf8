from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("search", views.search),
    path("contact", views.contact),
    path("upload", views.upload),
    path("echo", views.echo),
    path("count", views.count),
    path("visits", views.visits),
    path("remember", views.remember),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="login.html")),
    path("admin/", admin.site.urls),
]
