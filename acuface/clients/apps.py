from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "acuface.clients"
    label = "clients"
    verbose_name = "Clients and consent"
