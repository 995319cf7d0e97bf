"""Sign-up, verification, sign-in, password reset and change of e-mail, through the outbox."""

import re
import unicodedata

import pytest
from django.core import mail
from django.urls import reverse

from roadmap_portal.accounts.models import User
from roadmap_portal.core.models import OutboxMessage
from tests.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _link(message, name: str) -> str:
    """The path of the first link in ``message`` that leads to the allauth page ``name``."""
    prefix = reverse(name, kwargs={"key": "KEY"}).split("KEY")[0]
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client, email="lan@example.org", full_name="Nguyễn Thị Lan"):
    return client.post(
        reverse("account_signup"),
        {"full_name": full_name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_verify_then_sign_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = _sign_up(client)

    user = User.objects.get(email="lan@example.org")
    assert signed_up.status_code == 302
    assert signed_up["Location"] == reverse("account_email_verification_sent")
    assert user.full_name == "Nguyễn Thị Lan"
    assert list(OutboxMessage.objects.values_list("topic", "to_email", "status")) == [
        ("account.email_confirmation_signup", "lan@example.org", "sent")
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[ASEAN SSE Roadmap] ")

    confirmed = client.post(_link(mail.outbox[0], "account_confirm_email"))
    client.logout()
    signed_in = client.post(
        reverse("account_login"), {"login": "lan@example.org", "password": PASSWORD}
    )

    assert confirmed.status_code == 302
    assert user.emailaddress_set.get().verified is True
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("me:home")
    assert client.get(reverse("me:home")).status_code == 200


def test_sign_up_stores_the_full_name_in_nfc(client):
    _sign_up(client, full_name=unicodedata.normalize("NFD", "  Nguyễn   Thị Lan "))

    assert User.objects.get().full_name == unicodedata.normalize("NFC", "Nguyễn Thị Lan")


def test_sign_up_needs_a_full_name(client):
    response = _sign_up(client, full_name="   ")

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["This field is required."]
    assert User.objects.count() == 0


def test_an_unverified_user_cannot_sign_in(client, django_capture_on_commit_callbacks):
    UserFactory(email="lan@example.org", verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "lan@example.org", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("me:home")).status_code == 302
    assert [m.to for m in mail.outbox] == [["lan@example.org"]]


def test_password_reset_mail_goes_through_the_outbox_and_resets(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="lan@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lan@example.org"})

    assert response.status_code == 302
    assert list(OutboxMessage.objects.values_list("topic", flat=True)) == [
        "account.password_reset_key"
    ]
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    # allauth moves the key from the address into the session, then shows the form.
    key_in_session = client.get(match.group(1))
    reset = client.post(
        key_in_session["Location"],
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    signed_in = client.post(
        reverse("account_login"), {"login": "lan@example.org", "password": "a-new-long-passphrase"}
    )

    assert reset.status_code == 302
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("me:home")


def test_changing_the_e_mail_updates_the_linked_person(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="lan@example.org")
    person = PersonFactory(user=user, email="lan@example.org")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "lan@new.example.org"})
    verification = mail.outbox[-1]
    person.refresh_from_db()
    before = person.email
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(verification, "account_confirm_email"))

    user.refresh_from_db()
    person.refresh_from_db()
    assert verification.to == ["lan@new.example.org"]
    assert before == "lan@example.org"
    assert (user.email, person.email) == ("lan@new.example.org", "lan@new.example.org")
    assert sorted(OutboxMessage.objects.values_list("topic", "to_email")) == [
        # The old address is told of the change (ACCOUNT_EMAIL_NOTIFICATIONS).
        ("account.email_changed", "lan@example.org"),
        ("account.email_confirmation", "lan@new.example.org"),
    ]


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_pages_have_the_portals_look(client, name):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "css/portal.css" in html
    assert 'class="account-form"' in html


def test_the_e_mail_page_has_the_portals_look(client):
    client.force_login(UserFactory())

    response = client.get(reverse("account_email"))

    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "style=" not in html
