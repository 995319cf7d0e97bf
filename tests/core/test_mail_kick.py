"""The relay kick keeps its broker connection from one kick to the next, and never trusts it."""

import pytest

from roadmap_portal.core import mail
from roadmap_portal.core.tasks import relay_outbox
from tests.core.brokers import unreachable_broker


class Publishes:
    """Stands in for ``relay_outbox.apply_async``: records the connection of each publish."""

    def __init__(self, *failures):
        self.connections = []
        self.failures = list(failures)

    def __call__(self, *, kwargs, retry, connection):
        assert retry is False
        self.connections.append(connection)
        if self.failures and self.failures.pop(0):
            raise ConnectionError("Connection closed by server.")


@pytest.fixture
def publishes(monkeypatch):
    def install(*failures):
        recorder = Publishes(*failures)
        monkeypatch.setattr(relay_outbox, "apply_async", recorder)
        return recorder

    mail.kick_line.drop()
    yield install
    mail.kick_line.drop()


def test_kicks_of_one_thread_share_one_connection(publishes):
    recorder = publishes()
    with unreachable_broker("redis://127.0.0.1:6399/0"):
        mail.kick_relay(message_ids=[1])
        mail.kick_relay(message_ids=[2])

        assert not mail.kick_pause.active()
    first, second = recorder.connections
    assert first is second
    assert first.transport_options["socket_timeout"] == mail.KICK_TIMEOUT_SECONDS
    assert first.transport_options["max_retries"] == 0


def test_a_kept_connection_that_fails_is_replaced_once_without_a_pause(publishes, caplog):
    recorder = publishes(False, True, False)
    with unreachable_broker("redis://127.0.0.1:6399/0"):
        mail.kick_relay(message_ids=[1])
        mail.kick_relay(message_ids=[2])  # the kept one fails, a fresh one publishes

        assert not mail.kick_pause.active()
    kept, stale, fresh = recorder.connections
    assert kept is stale
    assert fresh is not stale
    assert mail.kick_line.held[2] is fresh
    assert not [r for r in caplog.records if r.name == "roadmap_portal.core.mail"]


def test_a_fresh_connection_that_fails_pauses_the_kicks_and_is_dropped(publishes):
    recorder = publishes(True)
    with unreachable_broker("redis://127.0.0.1:6399/0"):
        mail.kick_relay(message_ids=[1])

        assert mail.kick_pause.active()
    assert len(recorder.connections) == 1  # no second try on a connection just opened
    assert mail.kick_line.held is None


def test_another_broker_or_a_forked_child_gets_a_connection_of_its_own(publishes, monkeypatch):
    recorder = publishes()
    with unreachable_broker("redis://127.0.0.1:6399/0"):
        mail.kick_relay(message_ids=[1])
    with unreachable_broker("redis://127.0.0.1:6399/1"):
        mail.kick_relay(message_ids=[2])
        monkeypatch.setattr(mail.os, "getpid", lambda: -1)
        mail.kick_relay(message_ids=[3])

    first, other_broker, child = recorder.connections
    assert other_broker is not first
    assert child is not other_broker
    assert mail.kick_line.held[0] == -1
