"""Forms delegates and moderators use in the discussions. The body rules live in the
service (``validate_body``) so a form and an API give the same answer."""

from django import forms
from django.core.exceptions import ValidationError

from planner.models import Theme
from planner.models.discussion import BODY_MAX_LENGTH
from planner.services.discussion import validate_body

FORMAT_HINT = "You can use **bold**, *italics*, `code`, [links](https://example.org), lists and > quotes."


class ContributionForm(forms.Form):
    body = forms.CharField(
        label="Your contribution",
        help_text=FORMAT_HINT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_LENGTH}),
        required=False,  # validate_body says what is wrong in plainer words than "required"
        strip=False,
    )
    is_question = forms.BooleanField(label="This is a question I would like answered", required=False)

    def __init__(self, *args, reply: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reply:
            del self.fields["is_question"]
            self.fields["body"].label = "Your reply"
            self.fields["body"].widget.attrs["rows"] = 3

    def clean_body(self) -> str:
        try:
            return validate_body(self.cleaned_data.get("body") or "")
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from None


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with it?",
        help_text="For example: personal attack, advertising, someone's private details. Moderators read every report.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ThemesForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Themes"
    )

    def __init__(self, *args, conference_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(conference_id=conference_id)


def discussion_forms() -> dict:
    """The empty forms a discussion page offers: a new thread and a reply."""
    return {"new_form": ContributionForm(), "reply_form": ContributionForm(reply=True)}
