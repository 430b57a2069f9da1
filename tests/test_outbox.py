"""The notification outbox: a user's action never fails because the mail server or the
broker is down; every email goes out exactly once, later if need be."""
import contextlib
import datetime
import importlib
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat import schedulers
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from hechi_nzc.celery import app
from pilots import outbox, services
from pilots.choices import State
from pilots.models import EmailStatus, Notification, Project, User
from pilots.notify import notify
from pilots.tasks import send_notification_emails, sweep_notification_outbox

ROOT = Path(__file__).resolve().parent.parent
MAIL_SERVER_DOWN = "tests.mailbackends.MailServerDown"
MEANWHILE = "tests.test_outbox.MeanwhileBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
CLOSED_PORT = "redis://127.0.0.1:1/0"
REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"
# Who hears of a county_forward of the demo's region project in 金城江区: the city
# officers who act next, the ecology admin, and the applicant.
TOLD = ["app_region_jinchengjiang", "city_ecology", "city_ndrc", "eco_admin"]


@pytest.fixture
def forwardable(demo):
    """A project in county review, its county officer, and an empty mailbox."""
    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    Notification.objects.filter(project=project).delete()  # the demo's history
    mail.outbox.clear()
    return project, demo.user("jinchengjiang_ecology")


def fire_through(via, client, api, project, officer):
    """county_forward through the project page or the API; returns the status code."""
    if via == "page":
        client.force_login(officer)
        return client.post(f"/projects/{project.pk}/transitions/county_forward/",
                           {"reason": "同意上报。"}).status_code
    api.force_authenticate(officer)
    return api.post(f"/api/projects/{project.pk}/transitions/county_forward/",
                    {"reason": "同意上报。"}, format="json").status_code


def rows(project):
    return list(Notification.objects.filter(project=project).select_related("recipient")
                .order_by("recipient__username"))


def outbox_of(project):
    return [(n.recipient.username, n.email_status, n.email_attempts, n.email_error)
            for n in rows(project)]


def mailed():
    return sorted(address for message in mail.outbox for address in message.to)


def emails(usernames):
    return sorted(User.objects.filter(username__in=usernames).values_list("email", flat=True))


@contextlib.contextmanager
def broker_at(url, *, eager=False):
    """Point the Celery app at another broker (its connection pools are made for one)."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, eager
    app._after_fork()  # forget the pools of the previous broker, as a forked worker does
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        app._after_fork()


@pytest.mark.parametrize(("via", "status"), [("page", 302), ("api", 200)])
def test_a_transition_succeeds_while_the_mail_server_is_down(
        via, status, forwardable, client, api, settings, django_capture_on_commit_callbacks):
    project, officer = forwardable
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN

    with django_capture_on_commit_callbacks(execute=True):  # delivery is tried, and fails
        assert fire_through(via, client, api, project, officer) == status

    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW
    assert outbox_of(project) == [(u, EmailStatus.PENDING, 1, REFUSED) for u in TOLD]
    assert mail.outbox == []

    settings.EMAIL_BACKEND = LOCMEM  # the mail server is back; the retry falls due
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert outbox.sweep(now=later) == 4
    assert mailed() == emails(TOLD)
    assert [m.subject for m in mail.outbox] == [
        f"[河池市近零碳排放区试点管理平台] 「{project.name}」审核通过并上报，现为「市级审核」"] * 4
    assert outbox_of(project) == [(u, EmailStatus.SENT, 1, "") for u in TOLD]

    assert outbox.sweep(now=later + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 4


@pytest.mark.parametrize(("via", "status"), [("page", 302), ("api", 200)])
def test_a_transition_succeeds_while_the_broker_is_down(
        via, status, forwardable, client, api, django_capture_on_commit_callbacks):
    project, officer = forwardable

    started = time.monotonic()  # the callbacks run after commit: as the context ends
    with broker_at(CLOSED_PORT), django_capture_on_commit_callbacks(execute=True):
        assert fire_through(via, client, api, project, officer) == status
    elapsed = time.monotonic() - started

    assert elapsed < 2  # one refused connection, no retries (kombu's default waits 6 s)
    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW
    assert outbox_of(project) == [(u, EmailStatus.PENDING, 0, "") for u in TOLD]
    assert mail.outbox == []

    assert outbox.sweep() == 4  # what beat runs every five minutes, once the broker is back
    assert mailed() == emails(TOLD)
    assert outbox.sweep() == 0
    assert len(mail.outbox) == 4


def _pending_for(users, title="通知"):
    """Notifications whose emails were never queued (the broker was down)."""
    with broker_at(CLOSED_PORT):
        return notify(users, title=title, body="正文")


def test_a_failed_send_waits_and_gives_up_after_the_last_attempt(demo, settings):
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    settings.EMAIL_MAX_ATTEMPTS = 4
    settings.EMAIL_RETRY_MINUTES = [1, 5]
    [note] = _pending_for([demo.user("expert1")])
    t0 = timezone.now()
    minute = datetime.timedelta(minutes=1)

    def state():
        note.refresh_from_db()
        return note.email_status, note.email_attempts, note.email_next_try_at

    assert outbox.sweep(now=t0) == 0
    assert state() == (EmailStatus.PENDING, 1, t0 + minute)
    assert note.email_error == REFUSED
    assert outbox.sweep(now=t0 + minute - datetime.timedelta(seconds=1)) == 0
    assert state() == (EmailStatus.PENDING, 1, t0 + minute)  # not tried before it is due

    assert outbox.sweep(now=t0 + minute) == 0
    assert state() == (EmailStatus.PENDING, 2, t0 + 6 * minute)
    assert outbox.sweep(now=t0 + 6 * minute) == 0
    assert state() == (EmailStatus.PENDING, 3, t0 + 11 * minute)  # the last step repeats
    assert outbox.sweep(now=t0 + 11 * minute) == 0
    assert state() == (EmailStatus.FAILED, 4, None)

    settings.EMAIL_BACKEND = LOCMEM
    assert outbox.sweep(now=t0 + 60 * minute) == 0  # a failed email waits for a person
    assert mail.outbox == []


def test_the_admin_resends_a_failed_email_once(demo, client, settings, django_user_model,
                                               django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    settings.EMAIL_MAX_ATTEMPTS = 1
    failed, sent = _pending_for([demo.user("expert1"), demo.user("expert2")])
    assert outbox.sweep() == 0
    Notification.objects.filter(pk=sent.pk).update(email_status=EmailStatus.SENT)
    settings.EMAIL_BACKEND = LOCMEM
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.cn", "x"))

    page = client.get("/admin/pilots/notification/?email_status__exact=failed").content.decode()
    assert page.count('<input type="checkbox" name="_selected_action"') == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/pilots/notification/", {
            "action": "resend_email", "_selected_action": [failed.pk, sent.pk]}, follow=True)

    assert "已将 1 封发送失败的邮件重新排入发送队列。" in response.content.decode()
    assert mailed() == [demo.user("expert1").email]
    failed.refresh_from_db()
    assert (failed.email_status, failed.email_attempts) == (EmailStatus.SENT, 0)
    assert outbox.sweep() == 0
    assert len(mail.outbox) == 1


def test_an_interrupted_send_is_not_repeated_but_shown_as_failed(demo):
    long_ago, recently = _pending_for([demo.user("expert1"), demo.user("expert2")])
    now = timezone.now()
    Notification.objects.filter(pk=long_ago.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now - datetime.timedelta(minutes=16))
    Notification.objects.filter(pk=recently.pk).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now - datetime.timedelta(minutes=14))

    assert outbox.sweep(now=now) == 0

    long_ago.refresh_from_db()
    recently.refresh_from_db()
    assert (long_ago.email_status, long_ago.email_error) == (
        EmailStatus.FAILED,
        "发送中断：发送进程在发送过程中停止，邮件可能已发出也可能没有。请核实后在管理后台重新发送。")
    assert recently.email_status == EmailStatus.SENDING
    assert mail.outbox == []


def test_someone_without_an_address_gets_the_notification_but_no_email(
        demo, django_capture_on_commit_callbacks):
    expert = demo.user("expert1")
    expert.email = ""
    expert.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify([expert], title="专家评审安排")

    note.refresh_from_db()
    assert (note.title, note.email_status) == ("专家评审安排", EmailStatus.NONE)
    assert outbox.sweep() == 0
    assert mail.outbox == []


def test_the_sweeper_is_scheduled_by_a_migration_and_beat_keeps_an_admins_edit(db, monkeypatch):
    # Beat recycles its database connection between ticks; here that would end the
    # test's transaction (PostgreSQL), so the recycling is left out.
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    def schedule():
        task = PeriodicTask.objects.get(name="sweep-notification-outbox")
        return task.task, task.enabled, task.interval.every, task.interval.period

    assert schedule() == ("pilots.tasks.sweep_notification_outbox", True, 5, "minutes")
    assert app.conf.beat_schedule == {}  # nothing in the settings for beat to write back
    PeriodicTask.objects.filter(name="sweep-notification-outbox").update(
        interval=IntervalSchedule.objects.create(every=10, period="minutes"))

    schedulers.DatabaseScheduler(app=app)  # what a (re)start of beat does to the schedule
    importlib.import_module("pilots.migrations.0008_beat_schedule").create_schedule(apps, None)

    assert schedule() == ("pilots.tasks.sweep_notification_outbox", True, 10, "minutes")
    entries = schedulers.DatabaseScheduler(app=app, lazy=True).all_as_schedule()
    assert entries["sweep-notification-outbox"].schedule.run_every == datetime.timedelta(minutes=10)


def test_the_recheck_task_is_scheduled_daily_by_a_migration(db):
    task = PeriodicTask.objects.get(name="start-due-rechecks")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "acceptance.tasks.start_due_rechecks", True, 1, "days")
    entries = schedulers.DatabaseScheduler(app=app, lazy=True).all_as_schedule()
    assert entries["start-due-rechecks"].schedule.run_every == datetime.timedelta(days=1)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_email_once(demo, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row claims under concurrency are checked on PostgreSQL")
    mail.outbox.clear()
    users = demo.users()
    notes = _pending_for(users)
    barrier = threading.Barrier(2)
    read_due = outbox._due_batch

    def read_then_wait(*args):
        batch = read_due(*args)
        if batch:  # both sweepers hold the same pending rows before either claims one
            barrier.wait(timeout=30)
        return batch

    monkeypatch.setattr(outbox, "_due_batch", read_then_wait)
    counts = []

    def sweeper():
        try:
            counts.append(outbox.sweep(batch_size=1000))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    with_address = sorted(u.email for u in users if u.email)
    assert sum(counts) == len(with_address) == len(users)
    assert mailed() == with_address
    assert set(Notification.objects.filter(pk__in=[n.pk for n in notes])
               .values_list("email_status", flat=True)) == {EmailStatus.SENT}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_outbox_tasks_run_in_a_real_worker(demo, forwardable, settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real broker and a real worker")
    project, officer = forwardable
    with broker_at(CLOSED_PORT):  # the broker is down while the officer acts
        services.fire(project, "county_forward", officer, reason="同意上报。")
    first, *others = rows(project)
    queue = f"outbox-test-{time.monotonic_ns()}"  # no other test's worker takes from it

    with broker_at(settings.CELERY_BROKER_URL), start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        assert send_notification_emails.apply_async(([first.pk],), queue=queue).get(timeout=30) == 1
        assert sweep_notification_outbox.apply_async(queue=queue).get(timeout=30) == len(others)
        assert sweep_notification_outbox.apply_async(queue=queue).get(timeout=30) == 0

    assert mailed() == emails(TOLD)
    assert [n.email_status for n in rows(project)] == [EmailStatus.SENT] * 4


# --- A sweep that takes long, and what happens meanwhile ------------------------------

class MeanwhileBackend(locmem.EmailBackend):
    """Django's test mailbox, where something else happens while a message to one of the
    addresses in ``meanwhile`` is on its way (once per address)."""

    meanwhile = {}

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if happening := self.meanwhile.pop(address, None):
                    happening()
        return super().send_messages(messages)


@pytest.fixture
def meanwhile(settings):
    settings.EMAIL_BACKEND = MEANWHILE
    MeanwhileBackend.meanwhile = {}
    yield MeanwhileBackend.meanwhile
    MeanwhileBackend.meanwhile = {}


def _admin_resends_what_shows_failed(ids):
    """The admin's "resend" action, and the delivery it asks for after commit."""
    resent = outbox.resend(Notification.objects.filter(pk__in=ids))
    outbox.deliver(resent)
    return resent


def test_a_sweep_through_a_long_backlog_is_not_taken_for_an_interrupted_one(demo, meanwhile):
    first, second = _pending_for([demo.user("expert1"), demo.user("expert2")])
    resent = []

    def next_beat():  # 20 minutes into the first sweep, beat starts the next one
        assert outbox.sweep() == 0
        resent.extend(_admin_resends_what_shows_failed([first.pk, second.pk]))

    meanwhile[demo.user("expert2").email] = next_beat
    assert outbox.sweep(now=timezone.now() - datetime.timedelta(minutes=20)) == 2

    assert resent == []  # nothing showed as failed: the second email was being sent
    assert mailed() == emails(["expert1", "expert2"])  # each once
    assert [(n.email_status, n.email_attempts, n.email_error) for n in (
        Notification.objects.get(pk=first.pk), Notification.objects.get(pk=second.pk))] == [
        (EmailStatus.SENT, 0, "")] * 2


def test_a_send_that_ends_after_the_admin_resent_it_does_not_undo_the_resend(demo, meanwhile):
    [note] = _pending_for([demo.user("expert1")])
    resent = []

    def hangs_then_fails():
        # The server holds the send past EMAIL_SENDING_TIMEOUT_MINUTES: the next sweep
        # marks it interrupted, and an administrator resends it before the send gives up.
        outbox.sweep(now=timezone.now() + datetime.timedelta(minutes=16))
        resent.extend(outbox.resend(Notification.objects.filter(pk=note.pk)))
        raise TimeoutError("timed out")

    meanwhile[demo.user("expert1").email] = hangs_then_fails
    assert outbox.sweep() == 0
    assert resent == [note.pk]
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts, note.email_next_try_at) == (
        EmailStatus.PENDING, 0, None)  # as the resend left it

    assert outbox.deliver(resent) == 1  # the delivery the resend asked for
    assert mailed() == emails(["expert1"])
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts) == (EmailStatus.SENT, 0)


def test_failed_attempts_are_counted_in_the_database(demo, settings, monkeypatch):
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    settings.EMAIL_MAX_ATTEMPTS = 4
    [note] = _pending_for([demo.user("expert1")])
    read_due = outbox._due_batch

    def read_then_others_fail_it(*args):
        # Between this sweeper's read and its claim, others tried the email three times.
        batch = read_due(*args)
        if batch:
            Notification.objects.filter(pk=note.pk).update(email_attempts=3)
        return batch

    monkeypatch.setattr(outbox, "_due_batch", read_then_others_fail_it)
    assert outbox.sweep() == 0

    note.refresh_from_db()
    assert (note.email_status, note.email_attempts, note.email_next_try_at) == (
        EmailStatus.FAILED, 4, None)


# --- A real SMTP session --------------------------------------------------------------

class _SMTPSession(socketserver.StreamRequestHandler):
    """Enough of an SMTP server for smtplib; refuses the mailboxes in ``server.refused``."""

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        server, recipients = self.server, []
        server.sessions += 1
        self.reply("220 localhost ESMTP")
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().strip("<>")
                if address in server.refused:
                    self.reply("550 No such user")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                for data in self.rfile:
                    if data == b".\r\n":
                        break
                server.delivered.extend(recipients)
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


@pytest.fixture
def smtp_server(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSession)
    server.daemon_threads = True
    server.sessions, server.delivered, server.refused = 0, [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.shutdown()
    server.server_close()


def test_a_batch_goes_out_in_one_smtp_session_and_a_refusal_opens_a_new_one(demo, smtp_server):
    users = [demo.user(name) for name in ("expert1", "expert2", "expert3", "expert4")]
    notes = _pending_for(users)
    smtp_server.refused.add(users[1].email)

    assert outbox.sweep() == 3

    assert smtp_server.delivered == [users[0].email, users[2].email, users[3].email]
    assert smtp_server.sessions == 2  # the refusal ended the first session
    assert [(n.email_status, n.email_attempts) for n in
            Notification.objects.filter(pk__in=[n.pk for n in notes]).order_by("pk")] == [
        (EmailStatus.SENT, 0), (EmailStatus.PENDING, 1), (EmailStatus.SENT, 0),
        (EmailStatus.SENT, 0)]


# --- Servers that never answer ----------------------------------------------------------

@pytest.fixture
def silent_port():
    """A port that takes connections and never says a word: a hung server. Nothing
    accepts them; the kernel completes the handshake on its own."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1], listener
    listener.close()


@pytest.mark.parametrize(("via", "status"), [("page", 302), ("api", 200)])
def test_a_broker_that_never_answers_does_not_hold_up_the_request(
        via, status, forwardable, client, api, silent_port, django_capture_on_commit_callbacks):
    project, officer = forwardable
    port, listener = silent_port
    # Without a timeout the request would wait for ever; closing the listener resets the
    # connection, so a regression fails the test instead of hanging the run.
    give_up = threading.Timer(15, listener.close)
    give_up.start()
    started = time.monotonic()  # the callbacks run after commit: as the context ends
    try:
        with broker_at(f"redis://127.0.0.1:{port}/0"), \
                django_capture_on_commit_callbacks(execute=True):
            assert fire_through(via, client, api, project, officer) == status
    finally:
        give_up.cancel()
    elapsed = time.monotonic() - started

    assert elapsed < 5  # HECHI_BROKER_TIMEOUT_SECONDS (2), not for ever
    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW
    assert outbox_of(project) == [(u, EmailStatus.PENDING, 0, "") for u in TOLD]


def _environment(**variables):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HECHI_"))}
    return {**clean, **variables}


def _shell(script, **variables):
    return subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
                          cwd=ROOT, env=_environment(**variables), capture_output=True,
                          text=True, timeout=30)


def test_a_mail_server_that_never_answers_fails_the_send_after_the_email_timeout(silent_port):
    port, _listener = silent_port
    script = ("from django.core.mail import send_mail\n"
              "try:\n    send_mail('s', 'b', None, ['expert1@example.cn'])\n"
              "except Exception as error:\n    print(type(error).__name__, error)\n")

    started = time.monotonic()
    result = _shell(script, HECHI_EMAIL_TIMEOUT_SECONDS="1", DJANGO_EMAIL_BACKEND=SMTP,
                    DJANGO_EMAIL_HOST="127.0.0.1", DJANGO_EMAIL_PORT=str(port))
    elapsed = time.monotonic() - started

    assert result.stdout.strip() == (
        "SMTPServerDisconnected Connection unexpectedly closed: timed out"), result.stderr
    assert elapsed < 20


def test_the_mail_and_broker_timeouts_come_from_the_environment():
    script = ("from django.conf import settings\n"
              "print(settings.EMAIL_TIMEOUT, settings.CELERY_BROKER_TRANSPORT_OPTIONS)")

    default = _shell(script)
    chosen = _shell(script, HECHI_EMAIL_TIMEOUT_SECONDS="7", HECHI_BROKER_TIMEOUT_SECONDS="3")

    assert default.stdout.strip() == (
        "30 {'max_retries': 0, 'socket_connect_timeout': 2, 'socket_timeout': 2}"), default.stderr
    assert chosen.stdout.strip() == (
        "7 {'max_retries': 0, 'socket_connect_timeout': 3, 'socket_timeout': 3}"), chosen.stderr


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("HECHI_EMAIL_MAX_ATTEMPTS", "0", "HECHI_EMAIL_MAX_ATTEMPTS='0' must be at least 1."),
    ("HECHI_EMAIL_RETRY_MINUTES", "", "HECHI_EMAIL_RETRY_MINUTES must list at least one whole number."),
    ("HECHI_EMAIL_RETRY_MINUTES", "1,-5",
     "HECHI_EMAIL_RETRY_MINUTES='1,-5': every number must be at least 0."),
    ("HECHI_EMAIL_SENDING_TIMEOUT_MINUTES", "0",
     "HECHI_EMAIL_SENDING_TIMEOUT_MINUTES='0' must be at least 1."),
    ("HECHI_EMAIL_TIMEOUT_SECONDS", "-1", "HECHI_EMAIL_TIMEOUT_SECONDS='-1' must be at least 1."),
    ("HECHI_BROKER_TIMEOUT_SECONDS", "0", "HECHI_BROKER_TIMEOUT_SECONDS='0' must be at least 1."),
])
def test_a_bad_outbox_setting_stops_the_start_naming_the_variable(variable, value, message):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                            env=_environment(**{variable: value}), capture_output=True,
                            text=True, timeout=60)

    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr
