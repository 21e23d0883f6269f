"""Planner models: the programme (pages and snippets) and the people in it."""

from .calendar import CalendarEntry, CalendarToken
from .discussion import (
    Block,
    Connection,
    ConnectionStatus,
    Contribution,
    MeetupTables,
    Notification,
    NotificationKind,
    Report,
    Theme,
)
from .imports import ImportRun, ImportStatus
from .packs import PackFile, PackRun, PackStatus
from .people import Booking, BookingStatus, Delegate, Registration, SessionStar, Visibility
from .programme import (
    AgendaItem,
    Cancellation,
    CancellationNotice,
    ConferencePage,
    Facilitation,
    RegionalEventPage,
    SessionFormat,
    SessionPage,
    Speaker,
    Stream,
)
from .seats import EventSeats

__all__ = [
    "Cancellation",
    "CancellationNotice",
    "Facilitation",
    "Block",
    "Connection",
    "ConnectionStatus",
    "Contribution",
    "MeetupTables",
    "Notification",
    "ImportRun",
    "ImportStatus",
    "PackFile",
    "PackRun",
    "PackStatus",
    "NotificationKind",
    "Report",
    "Theme",
    "AgendaItem",
    "Booking",
    "CalendarEntry",
    "CalendarToken",
    "BookingStatus",
    "ConferencePage",
    "Delegate",
    "EventSeats",
    "Registration",
    "RegionalEventPage",
    "SessionFormat",
    "SessionPage",
    "SessionStar",
    "Speaker",
    "Stream",
    "Visibility",
]
