from django.db import models


class Service(models.Model):
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    name = models.CharField(max_length=200)
    text = models.TextField()


class Upload(models.Model):
    file_name = models.CharField(max_length=255)
    size = models.IntegerField()
