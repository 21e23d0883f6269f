"""When, and to whom, a session's join link shows.

Only delegates registered for the conference see it (and planners, who run the sessions),
unless the planner marked the session open to everyone; it shows from 15 minutes before
the start until the end, and never on a cancelled session. Pages and the API follow this;
the public feeds carry a link only when the session is open to everyone, and a delegate's
private feed carries the links of the sessions they starred at conferences they registered for."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.timezone import now as clock

JOIN_OPENS_BEFORE = timedelta(minutes=15)


@dataclass(frozen=True)
class JoinLink:
    """What the viewer gets: the link now (``url``), or when it will appear (``opens_at``), or
    why not (``needs_registration``: they could get it by registering). All empty: nothing to say."""

    url: str = ""
    opens_at: datetime | None = None
    needs_registration: bool = False


def may_see_join_links(user, *, registered: bool) -> bool:
    """A delegate registered for the conference, or a planner (who may open the admin)."""
    return registered or (user.is_active and user.has_perm("wagtailadmin.access_admin"))


def join_link(session, *, may_join: bool, now: datetime | None = None) -> JoinLink:
    """The join link ``session`` shows a viewer who ``may_join`` (see may_see_join_links) at ``now``."""
    now = now or clock()
    if not session.join_url or session.called_off or now >= session.end:
        return JoinLink()
    if not (may_join or session.join_open_to_all):
        return JoinLink(needs_registration=True)
    opens_at = session.start - JOIN_OPENS_BEFORE
    if now < opens_at:
        return JoinLink(opens_at=opens_at)
    return JoinLink(url=session.join_url)


def public_join_url(session) -> str:
    """The link the public feeds may carry: only a session open to everyone's."""
    return session.join_url if session.join_open_to_all else ""
