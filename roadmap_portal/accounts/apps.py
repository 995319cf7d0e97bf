from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "roadmap_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
