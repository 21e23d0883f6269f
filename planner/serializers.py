"""How programme objects appear in the Wagtail API (/api/v2/): stable, documented shapes."""

from rest_framework import serializers


class StreamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = serializers.CharField()


class VenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address_lines = serializers.ListField(child=serializers.CharField())
    town = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    time_zone = serializers.CharField()
    accessibility_notes = serializers.CharField()


class AgendaItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    description = serializers.CharField()
    continues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
