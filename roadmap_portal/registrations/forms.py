from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap_portal.logistics.forms import answer_field

from .models import Invitation, InvitationStatus, Mode, Role
from .services import Decision


class RegisterForm(forms.Form):
    """A member registers one or several people of one organisation, all in one mode.

    ``people`` are the only persons offered (a focal point's active colleagues, or the member
    themselves); an id outside them is a form error, not a registration. The organisation
    travels beside the form (a hidden ``organisation`` input) so the view can pick the people
    before it builds the form.
    """

    people = forms.TypedMultipleChoiceField(
        label=_("People"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(label=_("Participation"), widget=forms.RadioSelect)
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why these people should take part; the secretariat reads it."),
    )

    def __init__(self, *args, activity, organisation, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.organisation = organisation
        self.people_by_id = {person.pk: person for person in people}
        self.fields["people"].choices = [(person.pk, person.full_name) for person in people]
        if len(people) == 1:
            self.fields["people"].initial = [people[0].pk]
            self.fields["people"].label = _("Person")
        modes = [(m.value, m.label) for m in Mode if activity.allows_mode(m.value)]
        self.fields["mode"].choices = modes
        self.fields["mode"].initial = modes[0][0]
        if not activity.requires_approval:
            del self.fields["motivation"]
        # The activity's registration questions, asked once for the people registered together.
        # Read once per activity object: a member of several organisations sees several forms.
        if not hasattr(activity, "_registration_questions"):
            activity._registration_questions = list(
                activity.registration_questions.order_by("position", "id")
            )
        self.questions = activity._registration_questions
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = answer_field(question)
        # Ids stay unique when a member of two organisations sees two forms on one page.
        self.auto_id = f"id_org{organisation.pk}_%s"

    def selected_people(self) -> list:
        return [self.people_by_id[pk] for pk in self.cleaned_data["people"]]

    def answers(self) -> dict[int, str]:
        """The answers to the registration questions, by question id."""
        return {
            question.pk: self.cleaned_data.get(f"question_{question.pk}") or ""
            for question in self.questions
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.TextInput,
        help_text=_("Told to the person when declining."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    role_label = forms.CharField(
        label=_("Role as printed"),
        required=False,
        max_length=100,
        help_text=_('E.g. "Panel Speaker"; empty prints the role\'s name.'),
    )


class CapacityForm(forms.Form):
    onsite_capacity = forms.IntegerField(
        label=_("Onsite seats"), required=False, min_value=0, help_text=_("Empty: no limit.")
    )
    online_capacity = forms.IntegerField(
        label=_("Online seats"), required=False, min_value=0, help_text=_("Empty: no limit.")
    )


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the organisation's focal points with the invitation."),
    )

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        Organisation = Invitation._meta.get_field("organisation").related_model
        invited = Invitation.objects.filter(
            activity=activity, status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED]
        ).values("organisation_id")
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(approved=True)
            .exclude(pk__in=invited)
            .select_related("country")
            .order_by("name", "id")
        )
        self.fields["organisation"].label_from_instance = _organisation_label


def _organisation_label(organisation) -> str:
    if organisation.country_id:
        return f"{organisation.name} ({organisation.country.name})"
    return organisation.name
