"""``content sync`` keeps its outcome, and admins read it on /admin/content: what changed, or
every problem (file:line: message) that stopped it."""

from __future__ import annotations

from smp_academy.admin.content_sync import LAST_SYNC_KEY, last_sync_result
from smp_academy.core.storage import get_storage
from smp_academy.extensions import db
from tests.courses import helpers


def _forget_last_sync() -> None:
    if get_storage().exists(LAST_SYNC_KEY):
        get_storage().delete(LAST_SYNC_KEY)


def test_before_any_sync_the_page_says_so(client, login, admin):
    _forget_last_sync()
    login(admin)
    page = client.get("/admin/content").get_data(as_text=True)
    assert "No sync recorded yet" in page


def test_a_successful_sync_is_shown_with_what_it_changed(app, client, login, admin, tmp_path):
    root = helpers.copy_real_content(tmp_path)
    result = helpers.sync(app, root)
    assert result.exit_code == 0, result.stderr

    recorded = last_sync_result()
    assert recorded.succeeded and recorded.source == str(root)
    assert recorded.changes["courses"]["created"] >= 1 and recorded.problems == []
    login(admin)
    page = client.get("/admin/content").get_data(as_text=True)
    assert "The last sync succeeded" in page and str(root) in page
    assert '<th scope="row">Courses</th>' in page


def test_a_refused_sync_is_shown_with_every_problem(app, client, login, admin, tmp_path):
    root = helpers.copy_real_content(tmp_path)
    course = root / "pigment-science" / "course.yaml"
    course.write_text(course.read_text().replace("title: ", "heading: ", 1))
    db.session.commit()  # keep the admin through the refused sync's rollback (a savepoint)
    result = helpers.sync(app, root)
    assert result.exit_code == 2

    recorded = last_sync_result()
    assert not recorded.succeeded and recorded.changes == {}
    assert any("missing field 'title'" in p for p in recorded.problems)
    assert recorded.problems == result.stderr.strip().splitlines()[:-1]  # as printed
    login(admin)
    page = client.get("/admin/content").get_data(as_text=True)
    assert "The last sync failed: nothing was written" in page
    assert "pigment-science/course.yaml:1: missing field" in page
    home = client.get("/").get_data(as_text=True)
    assert "Sync failed" in home


def test_a_missing_folder_is_recorded_as_a_failure(app, tmp_path):
    result = helpers.sync(app, tmp_path / "nowhere")
    assert result.exit_code == 2
    recorded = last_sync_result()
    assert not recorded.succeeded and "content folder not found" in recorded.problems[0]


def test_only_admins_see_the_content_page(client, login, instructor):
    login(instructor)
    assert client.get("/admin/content").status_code == 403
