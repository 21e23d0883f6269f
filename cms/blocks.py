"""StreamField blocks shared by every page type that has a free-form body."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class CalloutBlock(blocks.StructBlock):
    """A highlighted note, such as an inset on GOV.UK: deadlines, eligibility, what to bring."""

    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        template = "cms/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": blocks.BlockValidationError("Choose a page or enter a web address.")}
            )
        return value

    class Meta:
        icon = "link"


class BodyBlock(blocks.StreamBlock):
    """The body of a content page."""

    heading = blocks.CharBlock(form_classname="title", max_length=120, template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    callout = CalloutBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    links = blocks.ListBlock(LinkBlock(), template="cms/blocks/links.html", icon="list-ul")
