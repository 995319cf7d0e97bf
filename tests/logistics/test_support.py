from decimal import Decimal

import pytest
from django.urls import reverse

from roadmap_portal.logistics import selectors, services
from roadmap_portal.logistics.models import SupportRequest, SupportStatus
from roadmap_portal.logistics.services import LogisticsError
from tests.factories import OrganisationFactory, RegistrationFactory, country, member_of

pytestmark = pytest.mark.django_db


def _ask(registration, by, amount="500.00", kind="travel", currency="USD"):
    return services.request_support(
        registration=registration,
        kind=kind,
        amount=Decimal(amount),
        currency=currency,
        justification="Flight from Manila",
        by=by,
    )


def test_the_participant_and_the_focal_point_ask_for_support(registration, member, focal_point):
    own = _ask(registration, member)
    for_colleague = _ask(registration, focal_point, kind="accommodation", amount="200")

    assert [r.pk for r in registration.support_requests.all()] == [own.pk, for_colleague.pk]
    assert own.status == SupportStatus.PENDING


def test_someone_else_cannot_ask_for_support(registration):
    stranger = member_of(OrganisationFactory())

    with pytest.raises(LogisticsError):
        _ask(registration, stranger)

    assert SupportRequest.objects.count() == 0


def test_support_needs_a_positive_amount(registration, member):
    with pytest.raises(LogisticsError):
        _ask(registration, member, amount="0")


def test_staff_approve_with_an_amount_or_decline_with_a_reason(registration, member, staff):
    approved = _ask(registration, member)
    declined = _ask(registration, member, kind="accommodation")

    services.decide_support(support_request=approved, approve=True, amount=Decimal("350"), by=staff)
    services.decide_support(
        support_request=declined, approve=False, reason="Hotel provided", by=staff
    )

    assert (approved.status, approved.amount_approved) == ("approved", Decimal("350"))
    assert (declined.status, declined.reason) == ("declined", "Hotel provided")


def test_decline_without_a_reason_is_refused(registration, member, staff):
    support_request = _ask(registration, member)

    with pytest.raises(LogisticsError):
        services.decide_support(support_request=support_request, approve=False, by=staff)

    support_request.refresh_from_db()
    assert support_request.status == SupportStatus.PENDING


def test_only_staff_decide(registration, member):
    support_request = _ask(registration, member)

    with pytest.raises(LogisticsError):
        services.decide_support(
            support_request=support_request, approve=True, amount=Decimal(1), by=member
        )


def test_totals_per_activity_and_per_country(activity, registration, member, staff):
    thai = RegistrationFactory(
        activity=activity, organisation=OrganisationFactory(country=country("TH"))
    )
    first = _ask(registration, member, amount="500")
    _ask(registration, member, amount="100", kind="accommodation")
    second = _ask(thai, staff, amount="300")
    services.decide_support(support_request=first, approve=True, amount=Decimal("400"), by=staff)
    services.decide_support(support_request=second, approve=True, amount=Decimal("300"), by=staff)

    totals = selectors.support_totals(activity)

    assert totals["by_country"] == [
        {
            "country": "Philippines",
            "currency": "USD",
            "requested": Decimal("600"),
            "approved": Decimal("400"),
            "count": 2,
        },
        {
            "country": "Thailand",
            "currency": "USD",
            "requested": Decimal("300"),
            "approved": Decimal("300"),
            "count": 1,
        },
    ]
    assert totals["overall"] == [
        {"currency": "USD", "requested": Decimal("900"), "approved": Decimal("700"), "count": 3}
    ]


def test_support_page_lets_the_member_ask(client, registration, member):
    client.force_login(member)

    response = client.post(
        reverse("logistics:support", kwargs={"pk": registration.pk}),
        {"kind": "travel", "amount": "420.50", "currency": "usd", "justification": "Flight"},
    )

    assert response.status_code == 302
    assert SupportRequest.objects.get().currency == "USD"


def test_support_page_hides_another_persons_registration(client, registration):
    client.force_login(member_of(OrganisationFactory()))

    response = client.get(reverse("logistics:support", kwargs={"pk": registration.pk}))

    assert response.status_code == 404


def test_support_page_sends_anonymous_visitors_to_sign_in(client, registration):
    response = client.get(reverse("logistics:support", kwargs={"pk": registration.pk}))

    assert response.status_code == 302


def test_staff_decide_on_the_console(client, activity, registration, member, staff):
    support_request = _ask(registration, member)
    client.force_login(staff)

    response = client.post(
        reverse(
            "logistics_console:support_decide",
            kwargs={"pk": activity.pk, "request_pk": support_request.pk},
        ),
        {"decision": "approve", "amount": "250"},
    )

    support_request.refresh_from_db()
    assert response.status_code == 302
    assert support_request.amount_approved == Decimal("250")


def test_support_console_is_for_staff(client, activity, member):
    client.force_login(member)

    assert (
        client.get(reverse("logistics_console:support", kwargs={"pk": activity.pk})).status_code
        == 403
    )


def test_support_console_costs_the_same_with_few_and_many(
    client, activity, registration, member, staff
):
    from tests.logistics.test_messages import _queries

    client.force_login(staff)
    url = reverse("logistics_console:support", kwargs={"pk": activity.pk})
    _ask(registration, member)
    few = _queries(client, url)
    for _index in range(5):
        _ask(RegistrationFactory(activity=activity), staff)

    assert _queries(client, url) == few
