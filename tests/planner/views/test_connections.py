"""Connections between delegates: asking, answering, withdrawing, blocking; contact details
only between connected people; suggestions from who talked with whom."""

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction

from planner.models import Connection, ConnectionStatus, Visibility
from planner.queries.discussion import people_you_discussed_with
from planner.services.agenda import register_online
from planner.services.connections import block_delegate, request_connection, respond_to_connection
from planner.services.discussion import DiscussionRefused, accept_answer, post_contribution
from tests.factories import DelegateFactory, make_session
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def person(conference, name, visibility=Visibility.CONFERENCE):
    delegate = DelegateFactory(name=name, visibility=visibility)
    register_online(delegate=delegate, conference=conference)
    return delegate


@pytest.fixture
def ana(conference):
    return person(conference, "Ana Lopes")


@pytest.fixture
def ben(conference):
    return person(conference, "Ben Hughes")


def test_contact_details_show_only_once_the_request_is_accepted(client, ana, ben):
    client.force_login(ana.user)
    client.post(f"/delegates/{ben.pk}/connect/")
    assert ben.user.email not in client.get("/my/connections/").content.decode()
    assert ben.user.email not in client.get("/delegates/").content.decode()
    client.force_login(ben.user)
    page = text(client.get("/my/connections/"))
    assert "Waiting for your answer" in page and "Ana Lopes" in page
    assert ana.user.email not in page
    connection = Connection.objects.get()
    response = client.post(f"/my/connections/{connection.pk}/respond/", {"action": "accept"}, follow=True)
    assert "You are connected with Ana Lopes." in text(response)
    assert ana.user.email in text(response)
    client.force_login(ana.user)
    assert ben.user.email in text(client.get("/my/connections/"))


def test_asking_someone_who_already_asked_you_connects_you(ana, ben):
    request_connection(requester=ana, recipient=ben)
    connection = request_connection(requester=ben, recipient=ana)
    assert connection.status == ConnectionStatus.ACCEPTED
    assert Connection.objects.count() == 1


def test_the_database_holds_one_connection_per_pair_whichever_way_round(ana, ben):
    Connection.objects.create(requester=ana, recipient=ben)
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(requester=ben, recipient=ana)


def test_a_declined_request_cannot_be_repeated_but_the_decliner_can_ask_later(ana, ben):
    connection = request_connection(requester=ana, recipient=ben)
    respond_to_connection(connection=connection, responder=ben, accept=False)
    with pytest.raises(DiscussionRefused) as refusal:
        request_connection(requester=ana, recipient=ben)
    assert refusal.value.status == 409
    fresh = request_connection(requester=ben, recipient=ana)
    assert (fresh.requester, fresh.status) == (ben, ConnectionStatus.PENDING)


def test_only_the_person_asked_can_accept(client, ana, ben, conference):
    connection = request_connection(requester=ana, recipient=ben)
    client.force_login(ana.user)
    assert client.post(f"/my/connections/{connection.pk}/respond/", {"action": "accept"}).status_code == 403
    stranger = person(conference, "Stranger")
    client.force_login(stranger.user)
    assert client.post(f"/my/connections/{connection.pk}/respond/", {"action": "accept"}).status_code == 404
    assert Connection.objects.get().status == ConnectionStatus.PENDING


def test_either_side_can_withdraw(client, ana, ben):
    connection = request_connection(requester=ana, recipient=ben)
    respond_to_connection(connection=connection, responder=ben, accept=True)
    client.force_login(ben.user)
    response = client.post(f"/my/connections/{connection.pk}/withdraw/", follow=True)
    assert "You are no longer connected with Ana Lopes." in text(response)
    assert not Connection.objects.exists()


def test_blocking_ends_the_connection_and_refuses_new_requests(client, ana, ben):
    connection = request_connection(requester=ana, recipient=ben)
    respond_to_connection(connection=connection, responder=ben, accept=True)
    block_delegate(blocker=ben, blocked=ana)
    assert not Connection.objects.exists()
    client.force_login(ana.user)
    response = client.post(f"/delegates/{ben.pk}/connect/")
    assert response.status_code == 403
    assert "You cannot connect with this delegate." in text(response)


def test_hidden_delegates_cannot_be_asked_until_they_ask_you(client, ana, conference):
    recluse = person(conference, "Quiet Quentin", visibility=Visibility.HIDDEN)
    client.force_login(ana.user)
    assert client.post(f"/delegates/{recluse.pk}/connect/").status_code == 404
    request_connection(requester=recluse, recipient=ana)
    assert "Quiet Quentin" in text(client.get("/my/connections/"))


def test_nobody_can_connect_with_themself(client, ana):
    client.force_login(ana.user)
    response = client.post(f"/delegates/{ana.pk}/connect/")
    assert response.status_code == 400
    assert "You cannot connect with yourself." in text(response)


def test_the_directory_offers_to_connect_and_shows_where_things_stand(client, ana, ben, conference):
    cara = person(conference, "Cara Singh")
    request_connection(requester=ana, recipient=cara)
    client.force_login(ana.user)
    page = BeautifulSoup(client.get("/delegates/").content, "html.parser")
    entries = {li.h2.get_text(): li.get_text(" ", strip=True) for li in page.select("ul.people > li")}
    assert "Ask to connect" in entries["Ben Hughes"]
    assert "Connection requested" in entries["Cara Singh"]
    assert "Ask to connect" not in entries["Ana Lopes"]


def test_people_you_discussed_with_are_suggested_most_talkative_first_with_reasons(ana, ben, conference):
    session = make_session(conference, title="Digital inclusion")
    cara = person(conference, "Cara Singh")
    hidden = person(conference, "Hidden Hal", visibility=Visibility.HIDDEN)
    question = post_contribution(author=ana, session=session, body="Who lends out tablets?", is_question=True)
    answer = post_contribution(author=ben, session=session, body="Our libraries do.", parent=question)
    accept_answer(question=question, answer=answer, by=ana)
    theirs = post_contribution(author=ben, session=session, body="Data poverty is the blocker.")
    post_contribution(author=ana, session=session, body="Agreed: SIM banks help.", parent=theirs)
    post_contribution(author=cara, session=session, body="Same in Fife.", parent=question)
    post_contribution(author=hidden, session=session, body="And here.", parent=question)
    suggestions = people_you_discussed_with(ana)
    assert [s.delegate.name for s in suggestions] == ["Ben Hughes", "Cara Singh"]
    assert "You replied to each other (twice)" in suggestions[0].reasons
    assert "Their answer to your question was the one you accepted (once)" in suggestions[0].reasons
    assert "In ‘Digital inclusion’" in suggestions[0].reasons
    request_connection(requester=ana, recipient=ben)
    assert [s.delegate.name for s in people_you_discussed_with(ana)] == ["Cara Singh"]


def test_the_connections_page_costs_the_same_queries_however_many_connections(client, ana, conference):
    client.force_login(ana.user)
    first = person(conference, "First")
    request_connection(requester=first, recipient=ana)
    few = queries_for(client, "/my/connections/")
    for n in range(12):
        other = person(conference, f"Other {n}")
        connection = request_connection(requester=other, recipient=ana)
        if n % 2:
            respond_to_connection(connection=connection, responder=ana, accept=True)
        request_connection(requester=ana, recipient=person(conference, f"Asked {n}"))
    assert queries_for(client, "/my/connections/") == few


def test_answering_a_request_with_neither_accept_nor_decline_is_a_400_and_changes_nothing(client, ana, ben):
    connection = request_connection(requester=ana, recipient=ben)
    client.force_login(ben.user)
    response = client.post(f"/my/connections/{connection.pk}/respond/", {"action": "maybe"})
    assert response.status_code == 400
    assert "Choose Accept or Decline." in text(response)
    assert Connection.objects.get().status == ConnectionStatus.PENDING


def turn_hidden_and_rename(delegate, name):
    delegate.visibility, delegate.name = Visibility.HIDDEN, name
    delegate.save(update_fields=["visibility", "name"])


def test_a_person_who_turns_hidden_is_a_delegate_in_requests_sent_blocks_and_data_export(client, conference, ana, ben):
    carla = person(conference, "Carla Reyes")
    request_connection(requester=ana, recipient=ben)
    block_delegate(blocker=ana, blocked=carla)
    turn_hidden_and_rename(ben, "Benedict Secretname")
    turn_hidden_and_rename(carla, "Carlotta Secretname")
    client.force_login(ana.user)

    page = text(client.get("/my/connections/"))
    exported = client.get("/account/my-data.json").json()

    assert "Secretname" not in page and "Secretname" not in str(exported)
    assert "Requests you sent a delegate" in page and "Blocked a delegate Unblock" in page
    assert [c["with"] for c in exported["connections"]] == ["a delegate"]


def test_a_connected_person_who_turns_hidden_is_still_named_to_the_people_they_connected_with(client, ana, ben):
    respond_to_connection(connection=request_connection(requester=ana, recipient=ben), responder=ben, accept=True)
    turn_hidden_and_rename(ben, "Benedict Renamed")
    client.force_login(ana.user)
    assert "Benedict Renamed" in text(client.get("/my/connections/"))
    assert [c["with"] for c in client.get("/account/my-data.json").json()["connections"]] == ["Benedict Renamed"]
