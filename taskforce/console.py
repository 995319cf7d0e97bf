"""The registry's pages in the secretariat console: organisations, people, affiliations,
Task Force memberships and positions, merges. Declarations only; the console's machinery
(``roadmap_portal.core.console``) draws the pages and the services write."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from roadmap_portal.core import plugins
from roadmap_portal.core.console.filters import search_filter
from roadmap_portal.core.console.lists import BulkAction, Column, ConsoleList, done, refused
from roadmap_portal.core.text import search_key
from roadmap_portal.registrations.models import (
    Access,
    Activity,
    Invitation,
    InvitationStatus,
    Registration,
)
from roadmap_portal.registrations.services import RegistrationRefused, invite_organisation

from . import services
from .imports import OrganisationImport, PersonImport
from .models import (
    Affiliation,
    AffiliationRequest,
    Country,
    CountryGroup,
    Gender,
    MergeKind,
    MergeRecord,
    Organisation,
    OrganisationKind,
    Person,
    PositionTitle,
    TaskForceMembership,
    TaskForcePosition,
    TaskForceRole,
)

NAMESPACE = "taskforce_console"
RECENT_REGISTRATIONS = 20
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _active_affiliations():
    today = timezone.localdate()
    return Q(affiliations__started__isnull=True) | Q(affiliations__started__lte=today), Q(
        affiliations__ended__isnull=True
    ) | Q(affiliations__ended__gt=today)


def _current(queryset, value, *, field="until"):
    today = timezone.localdate()
    current = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": today})
    return queryset.filter(current) if value == "yes" else queryset.exclude(current)


# Organisations ------------------------------------------------------------------------------


class OrganisationFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Name or acronym"))
    country = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Country"),
        queryset=Country.objects.order_by("name"),
        empty_label=gettext_lazy("All countries"),
    )
    group = django_filters.ChoiceFilter(
        label=gettext_lazy("Country group"),
        field_name="country__group",
        choices=CountryGroup.choices,
        empty_label=gettext_lazy("All groups"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=OrganisationKind.choices,
        empty_label=gettext_lazy("All kinds"),
    )
    approved = django_filters.ChoiceFilter(
        label=gettext_lazy("In the directory"),
        choices=YES_NO,
        method="filter_flag",
        empty_label=gettext_lazy("Either"),
    )
    is_asec_member = django_filters.ChoiceFilter(
        label=gettext_lazy("ASEC member"),
        choices=YES_NO,
        method="filter_flag",
        empty_label=gettext_lazy("Either"),
    )
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("Task Force role"),
        choices=TaskForceRole.choices,
        method="filter_role",
        empty_label=gettext_lazy("Any role"),
    )
    focal_point = django_filters.ChoiceFilter(
        label=gettext_lazy("Focal point"),
        choices=[("none", gettext_lazy("Without a focal point")), ("some", gettext_lazy("With"))],
        method="filter_focal_point",
        empty_label=gettext_lazy("Either"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "country", "group", "kind", "approved", "is_asec_member", "role"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"})

    def filter_role(self, queryset, name, value):
        current = TaskForceMembership.objects.current().filter(role=value)
        return queryset.filter(pk__in=current.values("organisation_id"))

    def filter_focal_point(self, queryset, name, value):
        with_focal_point = Affiliation.objects.active().focal_points().values("organisation_id")
        if value == "none":
            return queryset.exclude(pk__in=with_focal_point)
        return queryset.filter(pk__in=with_focal_point)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "country",
            "website",
            "description",
            "is_asec_member",
            "approved",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self):
        name = self.cleaned_data["name"]
        key = search_key(name)
        twins = [
            organisation
            for organisation in Organisation.objects.search(name).exclude(pk=self.instance.pk)
            if search_key(organisation.name) == key
        ]
        if twins:
            raise forms.ValidationError(
                _(
                    "%(organisation)s is already in the registry (#%(pk)s): open it instead, "
                    "or merge the two."
                )
                % {"organisation": twins[0], "pk": twins[0].pk}
            )
        return name


def _organisation_values(data: dict) -> dict:
    return {
        field: data[field]
        for field in (
            "name",
            "acronym",
            "kind",
            "country",
            "website",
            "description",
            "is_asec_member",
            "approved",
        )
    }


class InviteForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Activity"),
        queryset=Activity.objects.upcoming().order_by("starts_at", "id"),
        help_text=gettext_lazy("Activities not yet held."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to the organisation's focal points with the invitation."),
    )


def _invite(organisation, *, by, activity, message: str = ""):
    if not organisation.approved:
        return refused(_("Not in the directory yet: approve it first."))
    earlier = Invitation.objects.filter(activity=activity, organisation=organisation).first()
    if earlier is not None and earlier.status in (
        InvitationStatus.PENDING,
        InvitationStatus.ACCEPTED,
    ):
        return refused(
            _("Already invited (%(status)s); nothing was sent.")
            % {"status": earlier.get_status_display().lower()}
        )
    try:
        invite_organisation(activity=activity, organisation=organisation, by=by, message=message)
    except RegistrationRefused as error:
        return refused(error.message)
    if activity.access != Access.INVITATION:
        return done(_("Invited (this activity is also open to every member)."))
    return done(_("Invited; the focal points are told by e-mail."))


class OrganisationConsole(ConsoleList):
    name = "organisation"
    namespace = NAMESPACE
    model = Organisation
    title = gettext_lazy("Organisations")
    filterset_class = OrganisationFilter
    columns = (
        Column("name", gettext_lazy("Name"), link=True, sort="name"),
        Column("acronym", gettext_lazy("Acronym"), sort="acronym"),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind"),
        Column("country", gettext_lazy("Country"), accessor="country.name", sort="country__name"),
        Column("approved", gettext_lazy("In the directory"), sort="approved"),
        Column("is_asec_member", gettext_lazy("ASEC member"), sort="is_asec_member"),
        Column("people", gettext_lazy("People"), accessor="people_count", sort="people_count"),
        Column(
            "focal_points",
            gettext_lazy("Focal points"),
            accessor="focal_point_count",
            sort="focal_point_count",
        ),
        Column("website", gettext_lazy("Website"), in_table=False),
        Column("slug", gettext_lazy("Address"), in_table=False),
        Column("created_at", gettext_lazy("Added"), sort="created_at", in_table=False),
    )
    default_sort = "name"
    form_class = OrganisationForm
    importer = OrganisationImport()
    mergeable = True
    detail_template = "taskforce/console/organisation_detail.html"
    bulk_actions = (
        BulkAction(
            "invite",
            gettext_lazy("Invite to an activity"),
            ngettext_lazy(
                "This will invite %(count)s organisation to the activity chosen below; its "
                "focal points are told by e-mail.",
                "This will invite %(count)s organisations to the activity chosen below; their "
                "focal points are told by e-mail.",
                "count",
            ),
            _invite,
            form_class=InviteForm,
        ),
    )

    def get_queryset(self):
        started, not_ended = _active_affiliations()
        active = started & not_ended
        return Organisation.objects.select_related("country").annotate(
            people_count=Count("affiliations", filter=active),
            focal_point_count=Count(
                "affiliations", filter=active & Q(affiliations__is_focal_point=True)
            ),
        )

    def detail_context(self, obj) -> dict:
        return {
            "affiliations": obj.affiliations.select_related("person").order_by(
                "ended", "person__name", "pk"
            ),
            "memberships": obj.taskforce_memberships.order_by("-since", "pk"),
            "registrations": Registration.objects.filter(organisation=obj)
            .select_related("person", "activity")
            .order_by("-requested_at", "-pk")[:RECENT_REGISTRATIONS],
            "merges": MergeRecord.objects.filter(
                kind=MergeKind.ORGANISATION, survivor_id=obj.pk
            ).select_related("merged_by"),
            "public_url": obj.get_absolute_url() if obj.approved else "",
            "add_membership_url": reverse(f"{NAMESPACE}:membership_create")
            + f"?organisation={obj.pk}",
        }

    def create(self, *, data, by):
        return services.create_organisation(**_organisation_values(data))

    def update(self, *, obj, data, by):
        return services.update_organisation(organisation=obj, by=by, **_organisation_values(data))

    def merge(self, *, survivor, duplicate, by):
        return services.merge_organisations(survivor=survivor, duplicate=duplicate, by=by)


# People -------------------------------------------------------------------------------------


class PersonFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Name or e-mail"))
    organisation = django_filters.CharFilter(
        label=gettext_lazy("Organisation"),
        method="filter_organisation",
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name or acronym")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Country"),
        queryset=Country.objects.order_by("name"),
        method="filter_country",
        empty_label=gettext_lazy("All countries"),
    )
    gender = django_filters.ChoiceFilter(
        label=gettext_lazy("Gender"), choices=Gender.choices, empty_label=gettext_lazy("Any")
    )
    listed_publicly = django_filters.ChoiceFilter(
        label=gettext_lazy("Listed publicly"),
        choices=YES_NO,
        method="filter_flag",
        empty_label=gettext_lazy("Either"),
    )
    account = django_filters.ChoiceFilter(
        label=gettext_lazy("Signs in"),
        choices=YES_NO,
        method="filter_account",
        empty_label=gettext_lazy("Either"),
    )
    position = django_filters.ChoiceFilter(
        label=gettext_lazy("Task Force post"),
        choices=PositionTitle.choices,
        method="filter_position",
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Person
        fields = ["q", "organisation", "country", "gender", "listed_publicly", "account"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(Q(search_text__contains=key) | Q(email__icontains=value.strip()))

    def filter_organisation(self, queryset, name, value):
        if not search_key(value):
            return queryset
        organisations = Organisation.objects.search(value).values("pk")
        affiliated = Affiliation.objects.active().filter(organisation__in=organisations)
        return queryset.filter(pk__in=affiliated.values("person_id"))

    def filter_country(self, queryset, name, value):
        affiliated = Affiliation.objects.active().filter(organisation__country=value)
        return queryset.filter(pk__in=affiliated.values("person_id"))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"})

    def filter_account(self, queryset, name, value):
        return queryset.filter(user__isnull=value != "yes")

    def filter_position(self, queryset, name, value):
        current = TaskForcePosition.objects.current().filter(title=value)
        return queryset.filter(pk__in=current.values("person_id"))


class PersonForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.approved().order_by("name", "pk"),
        required=False,
        help_text=gettext_lazy("Where the person works now; more can be added on their page."),
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)

    class Meta:
        model = Person
        fields = [
            "honorific",
            "name",
            "name_latin",
            "gender",
            "gender_description",
            "email",
            "phone",
            "listed_publicly",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
            del self.fields["position"]
            if self.instance.user_id:
                self.fields["email"].disabled = True
                self.fields["email"].help_text = _(
                    "This person signs in with this address; it changes only from their "
                    "own account."
                )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if not email:
            return email
        twin = (
            Person.objects.filter(Q(email__iexact=email) | Q(user__email__iexact=email))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if twin is not None:
            raise forms.ValidationError(
                _(
                    "%(person)s (#%(pk)s) already has this address: open their record "
                    "instead, or merge the two."
                )
                % {"person": twin, "pk": twin.pk}
            )
        return email


PERSON_FIELDS = (
    "name",
    "honorific",
    "name_latin",
    "gender",
    "gender_description",
    "email",
    "phone",
    "listed_publicly",
)


def _current_affiliations():
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.active()
        .select_related("organisation")
        .order_by("organisation__name", "pk"),
        to_attr="current_affiliations",
    )


def _organisations_of(person) -> str:
    return "; ".join(
        affiliation.organisation.display_name for affiliation in person.current_affiliations
    )


class PersonConsole(ConsoleList):
    name = "person"
    namespace = NAMESPACE
    model = Person
    count_while_unchanged = True
    title = gettext_lazy("People")
    filterset_class = PersonFilter
    columns = (
        Column("name", gettext_lazy("Name"), accessor="full_name", link=True, sort="name"),
        Column(
            "name_latin", gettext_lazy("Name in Latin letters"), sort="name_latin", in_table=False
        ),
        Column("organisations", gettext_lazy("Organisations"), accessor=_organisations_of),
        Column("email", gettext_lazy("E-mail"), personal=True, sort="email"),
        Column("phone", gettext_lazy("Phone"), personal=True, in_table=False),
        Column("gender", gettext_lazy("Gender"), accessor="get_gender_display", sort="gender"),
        Column("listed_publicly", gettext_lazy("Listed publicly"), sort="listed_publicly"),
        Column("account", gettext_lazy("Signs in"), accessor=lambda p: p.user_id is not None),
        Column("created_at", gettext_lazy("Added"), sort="created_at", in_table=False),
    )
    default_sort = "name"
    form_class = PersonForm
    importer = PersonImport()
    mergeable = True
    detail_template = "taskforce/console/person_detail.html"

    def get_queryset(self):
        return Person.objects.prefetch_related(_current_affiliations())

    def get_detail_queryset(self):
        return Person.objects.select_related("user").prefetch_related(_current_affiliations())

    def detail_context(self, obj) -> dict:
        return {
            "affiliations": obj.affiliations.select_related("organisation").order_by(
                "ended", "organisation__name", "pk"
            ),
            "positions": obj.taskforce_positions.order_by("-since", "pk"),
            "registrations": Registration.objects.filter(person=obj)
            .select_related("organisation", "activity")
            .order_by("-requested_at", "-pk")[:RECENT_REGISTRATIONS],
            "merges": MergeRecord.objects.filter(
                kind=MergeKind.PERSON, survivor_id=obj.pk
            ).select_related("merged_by"),
            "add_affiliation_url": reverse(f"{NAMESPACE}:affiliation_create") + f"?person={obj.pk}",
            "add_position_url": reverse(f"{NAMESPACE}:position_create") + f"?person={obj.pk}",
        }

    def merge_facts(self, obj) -> list[tuple[str, str]]:
        facts = super().merge_facts(obj)
        counts = (
            Person.objects.filter(pk=obj.pk)
            .annotate(
                registration_count=Count("registrations", distinct=True),
                affiliation_count=Count("affiliations", distinct=True),
            )
            .values("registration_count", "affiliation_count")
            .get()
        )
        return [
            *facts,
            (_("Registrations"), str(counts["registration_count"])),
            (_("Affiliations"), str(counts["affiliation_count"])),
        ]

    @transaction.atomic
    def create(self, *, data, by):
        values = {field: data[field] for field in PERSON_FIELDS}
        organisation = data.get("organisation")
        if organisation is None:
            return services.create_person(**values)
        affiliation = services.add_person_to_organisation(
            organisation=organisation, by=by, position=data.get("position", ""), **values
        )
        return affiliation.person

    def update(self, *, obj, data, by):
        values = {field: data[field] for field in PERSON_FIELDS}
        if obj.user_id:
            values["email"] = obj.user.email
        return services.update_person_details(person=obj, by=by, **values)

    def merge(self, *, survivor, duplicate, by):
        return services.merge_people(survivor=survivor, duplicate=duplicate, by=by)


# Affiliations -------------------------------------------------------------------------------


class AffiliationFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Person or organisation"))
    current = django_filters.ChoiceFilter(
        label=gettext_lazy("Current"),
        choices=YES_NO,
        method="filter_current",
        empty_label=gettext_lazy("Either"),
    )
    is_focal_point = django_filters.ChoiceFilter(
        label=gettext_lazy("Focal point"),
        choices=YES_NO,
        method="filter_focal_point",
        empty_label=gettext_lazy("Either"),
    )

    class Meta:
        model = Affiliation
        fields = ["q", "current", "is_focal_point"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(person__search_text__contains=key) | Q(organisation__search_text__contains=key)
        )

    def filter_current(self, queryset, name, value):
        active = queryset.model.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value == "yes" else queryset.exclude(pk__in=active)

    def filter_focal_point(self, queryset, name, value):
        return queryset.filter(is_focal_point=value == "yes")


class AffiliationCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.order_by("name", "pk"),
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    started = forms.DateField(label=gettext_lazy("Started"), required=False, widget=_date_widget())
    is_focal_point = forms.BooleanField(label=gettext_lazy("Focal point"), required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["organisation"].help_text = _("For %(person)s.") % {"person": person}

    def clean(self):
        cleaned = super().clean()
        cleaned["person"] = self.person
        return cleaned


class AffiliationUpdateForm(forms.Form):
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    started = forms.DateField(label=gettext_lazy("Started"), required=False, widget=_date_widget())
    ended = forms.DateField(
        label=gettext_lazy("Ended"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("Empty while the person still works there."),
    )
    is_focal_point = forms.BooleanField(label=gettext_lazy("Focal point"), required=False)
    confirm_last_focal_point = forms.BooleanField(
        label=gettext_lazy("The organisation may go on without a focal point"),
        required=False,
        help_text=gettext_lazy(
            "Needed only when this is the organisation's last focal point and it loses the role."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started"), cleaned.get("ended")
        if started and ended and ended < started:
            self.add_error("ended", _("The end comes before the start."))
        return cleaned


def _person_from(request) -> Person:
    try:
        return Person.objects.get(pk=int(request.GET.get("person", "")))
    except (ValueError, Person.DoesNotExist) as error:
        raise Http404(_("Open the person's page and add the affiliation from there.")) from error


class AffiliationConsole(ConsoleList):
    name = "affiliation"
    namespace = NAMESPACE
    model = Affiliation
    title = gettext_lazy("Affiliations")
    filterset_class = AffiliationFilter
    columns = (
        Column(
            "person",
            gettext_lazy("Person"),
            accessor="person.full_name",
            link=True,
            sort="person__name",
        ),
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="organisation.name",
            sort="organisation__name",
        ),
        Column("position", gettext_lazy("Position"), sort="position"),
        Column("started", gettext_lazy("Started"), sort="started"),
        Column("ended", gettext_lazy("Ended"), sort="ended"),
        Column("is_focal_point", gettext_lazy("Focal point"), sort="is_focal_point"),
        Column(
            "email", gettext_lazy("E-mail"), accessor="person.email", personal=True, in_table=False
        ),
    )
    default_sort = "organisation"
    form_class = AffiliationCreateForm
    update_form_class = AffiliationUpdateForm
    create_from_list = False
    detail_template = "taskforce/console/affiliation_detail.html"

    def get_queryset(self):
        return Affiliation.objects.select_related("person", "organisation")

    def form_kwargs(self, obj=None, *, request) -> dict:
        return {} if obj is not None else {"person": _person_from(request)}

    def initial_for(self, obj) -> dict:
        if obj is None:
            return {}
        return {
            "position": obj.position,
            "started": obj.started,
            "ended": obj.ended,
            "is_focal_point": obj.is_focal_point,
        }

    def create(self, *, data, by):
        return services.affiliate_person(**data)

    def update(self, *, obj, data, by):
        return services.update_affiliation(affiliation=obj, by=by, **data)


# Task Force memberships and positions ---------------------------------------------------------


class MembershipFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Name"))
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("Role"), choices=TaskForceRole.choices, empty_label=gettext_lazy("Any")
    )
    current = django_filters.ChoiceFilter(
        label=gettext_lazy("Current"),
        choices=YES_NO,
        method="filter_current",
        empty_label=gettext_lazy("Either"),
    )

    class Meta:
        model = TaskForceMembership
        fields = ["q", "role", "current"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(organisation__search_text__contains=key) if key else queryset

    def filter_current(self, queryset, name, value):
        return _current(queryset, value)


class MembershipCreateForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=TaskForceRole.choices)
    since = forms.DateField(label=gettext_lazy("Since"), widget=_date_widget())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].help_text = _("Of %(organisation)s.") % {"organisation": organisation}

    def clean(self):
        cleaned = super().clean()
        cleaned["organisation"] = self.organisation
        return cleaned


class DatesForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("Since"), widget=_date_widget())
    until = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("Empty while it lasts."),
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes before the start."))
        return cleaned


class MembershipUpdateForm(DatesForm):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=TaskForceRole.choices)
    field_order = ["role", "since", "until"]


def _organisation_from(request) -> Organisation:
    try:
        return Organisation.objects.get(pk=int(request.GET.get("organisation", "")))
    except (ValueError, Organisation.DoesNotExist) as error:
        raise Http404(_("Open the organisation's page and add the membership there.")) from error


class MembershipConsole(ConsoleList):
    name = "membership"
    namespace = NAMESPACE
    model = TaskForceMembership
    title = gettext_lazy("Task Force memberships")
    filterset_class = MembershipFilter
    columns = (
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="organisation.name",
            link=True,
            sort="organisation__name",
        ),
        Column(
            "country",
            gettext_lazy("Country"),
            accessor="organisation.country.name",
            sort="organisation__country__name",
        ),
        Column("role", gettext_lazy("Role"), accessor="get_role_display", sort="role"),
        Column("since", gettext_lazy("Since"), sort="since"),
        Column("until", gettext_lazy("Until"), sort="until"),
    )
    default_sort = "organisation"
    form_class = MembershipCreateForm
    update_form_class = MembershipUpdateForm
    create_from_list = False

    def get_queryset(self):
        return TaskForceMembership.objects.select_related("organisation", "organisation__country")

    def form_kwargs(self, obj=None, *, request) -> dict:
        return {} if obj is not None else {"organisation": _organisation_from(request)}

    def initial_for(self, obj) -> dict:
        if obj is None:
            return {"since": timezone.localdate()}
        return {"role": obj.role, "since": obj.since, "until": obj.until}

    def create(self, *, data, by):
        return services.add_taskforce_membership(**data)

    def update(self, *, obj, data, by):
        return services.update_taskforce_membership(membership=obj, by=by, **data)


class PositionFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Name"))
    title = django_filters.ChoiceFilter(
        label=gettext_lazy("Post"), choices=PositionTitle.choices, empty_label=gettext_lazy("Any")
    )
    current = django_filters.ChoiceFilter(
        label=gettext_lazy("Current"),
        choices=YES_NO,
        method="filter_current",
        empty_label=gettext_lazy("Either"),
    )

    class Meta:
        model = TaskForcePosition
        fields = ["q", "title", "current"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(person__search_text__contains=key) if key else queryset

    def filter_current(self, queryset, name, value):
        return _current(queryset, value)


class PositionCreateForm(forms.Form):
    title = forms.ChoiceField(label=gettext_lazy("Post"), choices=PositionTitle.choices)
    since = forms.DateField(label=gettext_lazy("Since"), widget=_date_widget())

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["title"].help_text = _("Of %(person)s.") % {"person": person}

    def clean(self):
        cleaned = super().clean()
        cleaned["person"] = self.person
        return cleaned


class PositionUpdateForm(DatesForm):
    title = forms.ChoiceField(label=gettext_lazy("Post"), choices=PositionTitle.choices)
    field_order = ["title", "since", "until"]


class PositionConsole(ConsoleList):
    name = "position"
    namespace = NAMESPACE
    model = TaskForcePosition
    title = gettext_lazy("Task Force positions")
    filterset_class = PositionFilter
    columns = (
        Column(
            "person",
            gettext_lazy("Person"),
            accessor="person.full_name",
            link=True,
            sort="person__name",
        ),
        Column("title", gettext_lazy("Post"), accessor="get_title_display", sort="title"),
        Column("since", gettext_lazy("Since"), sort="since"),
        Column("until", gettext_lazy("Until"), sort="until"),
    )
    default_sort = "-since"
    form_class = PositionCreateForm
    update_form_class = PositionUpdateForm
    create_from_list = False

    def get_queryset(self):
        return TaskForcePosition.objects.select_related("person")

    def form_kwargs(self, obj=None, *, request) -> dict:
        return {} if obj is not None else {"person": _person_from(request)}

    def initial_for(self, obj) -> dict:
        if obj is None:
            return {"since": timezone.localdate()}
        return {"title": obj.title, "since": obj.since, "until": obj.until}

    def create(self, *, data, by):
        return services.add_taskforce_position(**data)

    def update(self, *, obj, data, by):
        return services.update_taskforce_position(position=obj, by=by, **data)


# Merges -------------------------------------------------------------------------------------


class MergeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=MergeKind.choices, empty_label=gettext_lazy("Any")
    )

    class Meta:
        model = MergeRecord
        fields = ["kind"]


class MergeConsole(ConsoleList):
    """Every merge, with the merged record's history (read-only)."""

    name = "merge"
    namespace = NAMESPACE
    model = MergeRecord
    title = gettext_lazy("Merges")
    filterset_class = MergeFilter
    columns = (
        Column("merged_at", gettext_lazy("When"), link=True, sort="merged_at"),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind"),
        Column("duplicate_name", gettext_lazy("Merged record"), sort="duplicate_name"),
        Column("survivor_name", gettext_lazy("Kept record"), sort="survivor_name"),
        Column("merged_by", gettext_lazy("By"), accessor="merged_by.email", personal=True),
    )
    default_sort = "-merged_at"
    detail_template = "taskforce/console/merge_detail.html"

    def get_queryset(self):
        return MergeRecord.objects.select_related("merged_by")

    def history_records(self, obj):
        model = Person if obj.kind == MergeKind.PERSON else Organisation
        return model.history.filter(id=obj.duplicate_id)

    def detail_context(self, obj) -> dict:
        model = Person if obj.kind == MergeKind.PERSON else Organisation
        survivor_url = ""
        if model.objects.filter(pk=obj.survivor_id).exists():
            name = "person_detail" if obj.kind == MergeKind.PERSON else "organisation_detail"
            survivor_url = reverse(f"{NAMESPACE}:{name}", args=[obj.survivor_id])
        return {"moved": sorted(obj.moved.items()), "survivor_url": survivor_url}


organisation_console = OrganisationConsole()
person_console = PersonConsole()
affiliation_console = AffiliationConsole()
membership_console = MembershipConsole()
position_console = PositionConsole()
merge_console = MergeConsole()


# What the registry plugs into the console ----------------------------------------------------


def _pending_affiliation_requests() -> int:
    return AffiliationRequest.objects.pending().count()


def _organisations_without_focal_point() -> int:
    with_focal_point = Affiliation.objects.active().focal_points().values("organisation_id")
    return Organisation.objects.approved().exclude(pk__in=with_focal_point).count()


def register():
    plugins.register_console_section(
        plugins.ConsoleSection(
            key="taskforce",
            label=gettext_lazy("Task Force registry"),
            order=10,
            path="taskforce/",
            urlconf="taskforce.console_urls",
            entries=(
                plugins.ConsoleMenuEntry(
                    "organisations",
                    gettext_lazy("Organisations"),
                    f"{NAMESPACE}:organisation_list",
                    10,
                ),
                plugins.ConsoleMenuEntry(
                    "people", gettext_lazy("People"), f"{NAMESPACE}:person_list", 20
                ),
                plugins.ConsoleMenuEntry(
                    "affiliations",
                    gettext_lazy("Affiliations"),
                    f"{NAMESPACE}:affiliation_list",
                    30,
                ),
                plugins.ConsoleMenuEntry(
                    "memberships",
                    gettext_lazy("Task Force memberships"),
                    f"{NAMESPACE}:membership_list",
                    40,
                ),
                plugins.ConsoleMenuEntry(
                    "positions",
                    gettext_lazy("Task Force positions"),
                    f"{NAMESPACE}:position_list",
                    50,
                ),
                plugins.ConsoleMenuEntry(
                    "affiliation_requests",
                    gettext_lazy("Requests to join"),
                    "me:requests",
                    60,
                ),
                plugins.ConsoleMenuEntry(
                    "merges", gettext_lazy("Merges"), f"{NAMESPACE}:merge_list", 70
                ),
            ),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="affiliation_requests",
            label=gettext_lazy("Requests to join an organisation"),
            order=10,
            count=_pending_affiliation_requests,
            url_name="me:requests",
            help_text=gettext_lazy("People and proposed organisations awaiting a decision."),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="organisations_without_focal_point",
            label=gettext_lazy("Organisations without a focal point"),
            order=50,
            count=_organisations_without_focal_point,
            url_name=f"{NAMESPACE}:organisation_list",
            url_query="focal_point=none&approved=yes",
            help_text=gettext_lazy("In the directory, but nobody keeps their profile."),
        )
    )
