"""Planner models: the programme (pages and snippets) and the people in it."""

from planner.models.calendar import CalendarEntry, CalendarToken
from planner.models.discussion import (
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
from planner.models.emails import EmailKind, OutgoingEmail
from planner.models.imports import ImportRun, ImportStatus
from planner.models.packs import PackFile, PackRun, PackStatus
from planner.models.people import Booking, BookingStatus, Delegate, Registration, SessionStar, Visibility
from planner.models.programme import (
    AgendaItem,
    Cancellation,
    CancellationNotice,
    ConferencePage,
    Facilitation,
    RegionalEventPage,
    ScheduleChange,
    SessionFormat,
    SessionPage,
    Speaker,
    Stream,
)
from planner.models.report import FindingsReportPage
from planner.models.seats import EventSeats

__all__ = [
    "EmailKind",
    "OutgoingEmail",
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
    "FindingsReportPage",
    "Delegate",
    "EventSeats",
    "Registration",
    "RegionalEventPage",
    "ScheduleChange",
    "SessionFormat",
    "SessionPage",
    "SessionStar",
    "Speaker",
    "Stream",
    "Visibility",
]
