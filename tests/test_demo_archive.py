"""`seed-demo --archive`: real replies of 附件4 imported and published through the review."""
from sqlalchemy import func, select

from portal import search
from portal.demo import archive
from portal.demo.seed import create_city
from portal.extensions import db
from portal.models import Event, Message, PublicVersion
from portal.rules.workflow import Role
from portal.services.importing import read_rows
from tests.test_importing import DATA, needs_data


@needs_data
def test_the_archive_is_published_through_the_review_and_found_by_search(app):
    create_city({role: "demo-password" for role in Role if role != Role.CITIZEN})
    rows = read_rows(DATA / "附件4.xlsx")[:40]
    done = []
    report = archive.load("附件4", rows, progress=done.append)
    assert report.taken == report.published == 40 and not report.skipped and sum(done) == 80
    versions = db.session.scalars(select(PublicVersion)).all()
    assert len(versions) == 40
    for version in versions:  # the user ids the data echoes (网友“A0001234”) are masked, as the review does
        message = db.session.get(Message, version.message_id)
        assert message.petitioner.name and message.petitioner.name not in version.reply_text + version.body
    publishes = db.session.scalar(select(func.count()).where(Event.kind == "publish"))
    assert publishes == 40  # each one a reviewer's recorded decision
    first_words = versions[0].subject[:4]
    assert search.search(f"“{first_words}”").total >= 1  # the index was written once, at the end
    again = archive.load("附件4", rows)
    assert again.taken == again.published == 0  # loading twice adds nothing
