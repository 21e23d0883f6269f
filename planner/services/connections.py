"""Connections between delegates: ask, accept, decline (or simply ignore), withdraw, block.

One row per pair whichever way it was asked, enforced by a unique index, so two people
asking each other at the same moment end up with one request, not two."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from planner.models import Block, Connection, ConnectionStatus, Contribution, Delegate, NotificationKind
from planner.queries.people import visible_delegates
from planner.services.discussion import DiscussionRefused, notify


def connection_between(a: Delegate, b: Delegate) -> Connection | None:
    return Connection.objects.filter(Q(requester=a, recipient=b) | Q(requester=b, recipient=a)).first()


def request_connection(*, requester: Delegate, recipient: Delegate, via: Contribution | None = None) -> Connection:
    """Ask ``recipient`` to connect. Asking someone who already asked you accepts their
    request; asking again changes nothing."""
    if requester.pk == recipient.pk:
        raise DiscussionRefused("You cannot connect with yourself.", status=400)
    if not visible_delegates(requester, among=[recipient.pk]).exists():
        raise DiscussionRefused("That delegate is not taking requests from you.", status=404)
    if Block.objects.filter(Q(blocker=recipient, blocked=requester) | Q(blocker=requester, blocked=recipient)).exists():
        raise DiscussionRefused("You cannot connect with this delegate.")
    existing = connection_between(requester, recipient)
    if existing is not None and existing.status == ConnectionStatus.DECLINED and existing.recipient_id == requester.pk:
        existing.delete()  # they declined once and now ask themselves: a fresh request
        existing = None
    if existing is not None:
        if existing.status == ConnectionStatus.PENDING and existing.recipient_id == requester.pk:
            return respond_to_connection(connection=existing, responder=requester, accept=True)
        if existing.status == ConnectionStatus.DECLINED and existing.requester_id == requester.pk:
            raise DiscussionRefused("This delegate did not accept your earlier request.", status=409)
        return existing
    try:
        with transaction.atomic():
            connection = Connection.objects.create(requester=requester, recipient=recipient, via=via)
            notify(recipient=recipient, actor=requester, kind=NotificationKind.CONNECTION_REQUEST)
    except IntegrityError:  # the other asked at the same moment: both want it, so they are connected
        existing = connection_between(requester, recipient)
        if existing.status == ConnectionStatus.PENDING and existing.recipient_id == requester.pk:
            return respond_to_connection(connection=existing, responder=requester, accept=True)
        return existing
    return connection


@transaction.atomic
def respond_to_connection(*, connection: Connection, responder: Delegate, accept: bool) -> Connection:
    """The recipient accepts or declines a request that is waiting for them."""
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if connection.recipient_id != responder.pk:
        raise DiscussionRefused("Only the person asked can answer this request.")
    if connection.status != ConnectionStatus.PENDING:
        return connection
    connection.status = ConnectionStatus.ACCEPTED if accept else ConnectionStatus.DECLINED
    connection.responded_at = timezone.now()
    connection.save(update_fields=["status", "responded_at"])
    if accept:
        notify(recipient=connection.requester, actor=responder, kind=NotificationKind.CONNECTION_ACCEPTED)
    return connection


def withdraw_connection(*, connection: Connection, by: Delegate) -> None:
    """Either side ends the connection (or takes back their request); neither is told."""
    if by.pk not in (connection.requester_id, connection.recipient_id):
        raise DiscussionRefused("That connection is not yours.", status=404)
    connection.delete()


@transaction.atomic
def block_delegate(*, blocker: Delegate, blocked: Delegate) -> Block:
    """Stop hearing from ``blocked``: any connection or request between you goes."""
    if blocker.pk == blocked.pk:
        raise DiscussionRefused("You cannot block yourself.", status=400)
    Connection.objects.filter(
        Q(requester=blocker, recipient=blocked) | Q(requester=blocked, recipient=blocker)
    ).delete()
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def unblock_delegate(*, blocker: Delegate, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
