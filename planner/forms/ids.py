"""Choices of rows posted as ids: a value that cannot be an id (words, or a number too big
for any column) is refused as a choice, before Wagtail's choosers or SQLite meet it."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from planner.converters import parse_id

NOT_A_CHOICE = "That is not one of the choices. Choose again."


class RefusesMalformedIds:
    """A form mixin. Wagtail's choosers re-display a posted value by fetching its row, and
    SQLite overflows on a huge integer, both before validation could refuse it: such values are
    taken out of the posted data, and the field gets an error saying to choose again."""

    def __init__(self, data=None, *args, **kwargs):
        self.malformed_ids: list[str] = []
        if data is not None:
            data = data.copy()
            for name, field in self.base_fields.items():
                single = isinstance(field, forms.ModelChoiceField) and not isinstance(
                    field, forms.ModelMultipleChoiceField
                )
                value = data.get(name) if single else None
                if value not in (None, "") and parse_id(value) is None:
                    data[name] = ""
                    self.malformed_ids.append(name)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        for name in self.malformed_ids:  # this says more than "This field is required"
            self.errors.pop(name, None)
            self.add_error(name, NOT_A_CHOICE)
        return cleaned_data


class SnippetForm(RefusesMalformedIds, WagtailAdminModelForm):
    """The admin form of the programme's snippets (streams, speakers, themes)."""
