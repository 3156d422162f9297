"""The notification e-mail digest (PRODUCT C14, issue 3 item 5): one mail per person, in
their language, never twice, never about what they can no longer see, only for the kinds
they want by e-mail; sent by a self-rescheduling background task and by `agora send_digests`."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import ngettext

from agora.communities.models import Community, Membership
from agora.conversations import services as conversations
from agora.notifications import digest
from agora.notifications.models import Notification
from agora.notifications.services import notify, set_preference
from agora.notifications.tasks import ensure_scheduled, send_digests_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", display_name="Ana Lopez")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", display_name="Bob Martin")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol", display_name="Carol Smith")


def mention(actor, recipient, body="Hello there"):
    post = conversations.create_post(actor, body=body)
    return notify("mention", recipient=recipient, actor=actor, post=post)


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def html_of(message):
    return next(content for content, kind in message.alternatives if kind == "text/html")


class TestDigest:
    def test_one_mail_per_person_gathering_everything(self, ana, bob, carol):
        mention(ana, bob, "First #news")
        mention(carol, bob, "Second thing")
        post = conversations.create_post(bob, body="My own post")
        comment = conversations.add_comment(bob, post.pk, "my comment")
        reply = conversations.add_comment(ana, post.pk, "a reply", parent_id=comment.pk)
        notify("reply", recipient=bob, actor=ana, post=post, comment=reply)
        mention(bob, carol, "For Carol")

        assert digest.send_all() == 2
        assert len(mail.outbox) == 2
        (to_bob,) = mails_to(bob)
        (to_carol,) = mails_to(carol)
        assert to_bob.subject == "[Agora] You have 3 new notifications"
        assert to_carol.subject == "[Agora] You have 1 new notification"
        for text in (
            "Ana Lopez mentioned you",
            "Carol Smith mentioned you",
            "Ana Lopez replied to your comment",
            "First #news",
            "a reply",
        ):
            assert text in to_bob.body
            assert text in html_of(to_bob)
        assert "For Carol" not in to_bob.body
        # Links are absolute (there is no request to resolve them against).
        post_url = digest.site_url() + reverse("conversations:post", args=[post.pk])
        assert post_url in to_bob.body and f'href="{post_url}"' in html_of(to_bob)
        assert digest.site_url() + reverse("notifications:list") in to_bob.body
        assert "Bob Martin mentioned you" in to_carol.body
        assert all(
            n.emailed_at is not None
            for n in Notification.objects.filter(recipient__in=[bob, carol], wants_email=True)
        )

    def test_nothing_sent_twice(self, ana, bob):
        mention(ana, bob, "Once")
        assert digest.send_all() == 1
        assert digest.send_all() == 0
        assert call_command("send_digests", stdout=StringIO()) is None
        assert len(mail.outbox) == 1
        mention(ana, bob, "Later news")
        digest.send_all()
        assert len(mail.outbox) == 2
        assert "Later news" in mail.outbox[1].body and "Once" not in mail.outbox[1].body

    def test_sent_in_the_recipients_language(self, ana, bob):
        bob.language = "fr"
        bob.save()
        n = mention(ana, bob, "Bonjour")
        with translation.override("en"):
            digest.send_all()
            assert translation.get_language() == "en"  # left as it was
        (message,) = mail.outbox
        # Rendered under translation.override(bob.language): the mail says which language it
        # is in, and Django's own French catalog formats the date (month names).
        assert message.extra_headers["Content-Language"] == "fr"
        assert '<html lang="fr">' in html_of(message)
        with translation.override("fr"):
            french_date = formats.date_format(timezone.localtime(n.updated_at), "DATETIME_FORMAT")
            french_subject = ngettext(
                "You have %(counter)s new notification",
                "You have %(counter)s new notifications",
                1,
            ) % {"counter": 1}
        assert french_date in html_of(message)
        # Agora's French catalog may not translate this sentence yet; when it does, the
        # subject must be the French one.
        if french_subject != "You have 1 new notification":
            assert message.subject.endswith(french_subject)
        else:
            assert message.subject.endswith("You have 1 new notification")

    def test_english_by_default(self, ana, bob):
        mention(ana, bob)
        digest.send_all()
        assert mail.outbox[0].extra_headers["Content-Language"] == "en"

    def test_nothing_about_content_no_longer_visible(self, ana, bob, carol, admin_user):
        hidden = mention(ana, bob, "Will be hidden")
        deleted = mention(ana, bob, "Will be deleted")
        secret = Community.objects.create(name="Secret", slug="secret", kind="secret")
        Membership.objects.create(community=secret, user=ana, role="owner")
        membership = Membership.objects.create(community=secret, user=bob)
        in_secret = conversations.create_post(ana, body="Secret plans", community=secret)
        notify("mention", recipient=bob, actor=ana, post=in_secret)
        post = conversations.create_post(bob, body="Bob's post")
        comment = conversations.add_comment(ana, post.pk, "Nasty comment")
        notify("mention", recipient=bob, actor=ana, post=post, comment=comment)
        still_fine = mention(carol, bob, "Still fine")

        from agora.moderation import services as moderation

        moderation.hide(admin_user, post_id=hidden.post_id)
        conversations.delete_post(ana, deleted.post_id)
        membership.delete()  # Bob left the secret community
        moderation.hide(admin_user, comment_id=comment.pk)

        assert digest.send_all() == 1
        (message,) = mail.outbox
        assert "Still fine" in message.body
        for gone in ("Will be hidden", "Will be deleted", "Secret plans", "Nasty comment"):
            assert gone not in message.body and gone not in html_of(message)
        assert message.subject == "[Agora] You have 1 new notification"
        # Dropped ones are handled too: restoring the post later doesn't send stale news.
        moderation.restore(admin_user, post_id=hidden.post_id)
        assert digest.send_all() == 0
        assert Notification.objects.get(pk=still_fine.pk).emailed_at is not None

    def test_email_preference_off_sends_nothing(self, ana, bob):
        # Off before: the notification doesn't want e-mail at all.
        set_preference(bob, "mention", email=False)
        n = mention(ana, bob)
        assert n is not None and not n.wants_email
        assert digest.send_all() == 0
        # Off after: it wanted e-mail when created, but the person changed their mind.
        set_preference(bob, "reply", email=True)
        set_preference(bob, "mention", email=True)
        later = mention(ana, bob)
        set_preference(bob, "mention", email=False)
        assert later.wants_email
        assert digest.send_all() == 0
        assert mail.outbox == []
        # Kinds off by default (reactions, follows) produce nothing either.
        post = conversations.create_post(bob, body="React to me")
        conversations.react(ana, "like", post_id=post.pk)
        assert digest.send_all() == 0
        assert mail.outbox == []

    def test_in_app_off_does_not_stop_email(self, ana, bob):
        set_preference(bob, "mention", in_app=False, email=True)
        mention(ana, bob, "By mail only")
        assert digest.send_all() == 1
        assert "By mail only" in mail.outbox[0].body

    def test_read_notifications_and_suspended_people_get_nothing(self, ana, bob, carol):
        n = mention(ana, bob)
        Notification.objects.filter(pk=n.pk).update(read_at=timezone.now())
        mention(ana, carol)
        carol.is_active = False
        carol.save()
        assert digest.send_all() == 0
        assert mail.outbox == []

    def test_long_digests_are_capped(self, ana, bob, monkeypatch):
        monkeypatch.setattr(digest, "MAX_ITEMS", 3)
        for i in range(5):
            mention(ana, bob, f"Item {i}")
        digest.send_all()
        (message,) = mail.outbox
        assert message.subject == "[Agora] You have 5 new notifications"
        assert "…and 2 more." in message.body
        assert message.body.count("Ana Lopez mentioned you") == 3

    def test_a_failed_send_is_retried_and_does_not_stop_the_others(self, ana, bob, carol):
        mention(ana, bob, "For Bob")
        mention(ana, carol, "For Carol")
        real_send = mail.EmailMultiAlternatives.send

        def flaky(self, *args, **kwargs):
            if self.to == [bob.email]:
                raise OSError("SMTP down")
            return real_send(self, *args, **kwargs)

        with mock.patch.object(mail.EmailMultiAlternatives, "send", flaky):
            assert digest.send_all() == 1
        assert [m.to for m in mail.outbox] == [[carol.email]]
        assert Notification.objects.get(recipient=bob).emailed_at is None
        assert digest.send_all() == 1
        assert mails_to(bob)[0].body.count("For Bob") == 1


class TestSchedule:
    def _pending(self):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path=send_digests_task.module_path, status="READY")

    def test_the_task_sends_and_reschedules_itself_once(self, settings, ana, bob):
        settings.TASKS = DB_TASKS
        settings.AGORA_DIGEST_INTERVAL = 600
        mention(ana, bob)
        before = timezone.now()
        assert send_digests_task.call() == 1
        assert len(mail.outbox) == 1
        (pending,) = self._pending()
        assert before + dt.timedelta(seconds=590) < pending.run_after
        assert pending.run_after < timezone.now() + dt.timedelta(seconds=610)
        # Running again (e.g. `agora send_digests --schedule`, or a second worker) doesn't
        # pile up runs.
        send_digests_task.call()
        ensure_scheduled()
        assert self._pending().count() == 1

    def test_default_interval_is_an_hour(self, settings):
        settings.TASKS = DB_TASKS
        del settings.AGORA_DIGEST_INTERVAL
        ensure_scheduled()
        (pending,) = self._pending()
        delta = pending.run_after - timezone.now()
        assert dt.timedelta(minutes=59) < delta <= dt.timedelta(hours=1)

    def test_reschedules_even_when_a_run_fails(self, settings):
        settings.TASKS = DB_TASKS
        with (
            mock.patch.object(digest, "send_all", side_effect=RuntimeError("boom")),
            pytest.raises(RuntimeError),
        ):
            send_digests_task.call()
        assert self._pending().count() == 1

    def test_the_worker_runs_it(self, settings, ana, bob):
        settings.TASKS = DB_TASKS
        mention(ana, bob)
        out = StringIO()
        call_command("send_digests", "--schedule", stdout=out)
        assert "queued" in out.getvalue()
        # The worker closes "old" connections between tasks; inside the test's transaction
        # that would close the test's own connection.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command(
                "db_worker",
                "--batch",
                "--interval",
                "0",
                "--no-startup-delay",
                stdout=StringIO(),
                stderr=StringIO(),
            )
        assert len(mail.outbox) == 1
        from django_tasks_db.models import DBTaskResult

        done = DBTaskResult.objects.filter(task_path=send_digests_task.module_path)
        assert done.filter(status="SUCCESSFUL").count() == 1
        assert self._pending().count() == 1  # the next run, an interval from now
        assert self._pending().get().run_after > timezone.now()

    def test_inline_backend_never_loops(self, settings, ana, bob):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        mention(ana, bob)
        send_digests_task.enqueue()
        assert len(mail.outbox) == 1
        out = StringIO()
        call_command("send_digests", "--schedule", stdout=out)
        assert "already" in out.getvalue()

    def test_command_sends_now(self, ana, bob):
        mention(ana, bob)
        out = StringIO()
        call_command("send_digests", stdout=out)
        assert "1 digest(s) sent." in out.getvalue()
        assert len(mail.outbox) == 1
