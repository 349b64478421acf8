from django.contrib import admin

from .models import Message, Service

admin.site.register(Service)
admin.site.register(Message)
