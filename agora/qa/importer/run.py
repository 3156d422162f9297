"""One import, stage by stage: users, posts, comments, links, scores, counters, biographies,
search. Each stage streams its file and writes in batches; the `ImportedRecord` mapping makes
any stage safe to run again."""

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agora.communities.models import Community
from agora.core.markdown import render_markdown

from .context import ImportContext, SourceMap
from .counters import refresh_counters, scores_from_votes
from .indexing import imported_objects, index_imported
from .people import USERS_FILE, People
from .posts import POSTS_FILE, PostImporter
from .summary import ImportSummary

DEFAULT_BATCH = 500
LICENSE = "CC BY-SA"


def import_dump(
    directory: Path | str,
    *,
    site: str | None = None,
    community: str | None = None,
    before: datetime | None = None,
    index: bool = True,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportSummary:
    """Import the Stack Exchange dump in `directory` (Posts.xml at least).

    `site` defaults to the directory's name ("ai.stackexchange.com"); `community`, a
    community's name, puts the questions there (created, open, when missing) instead of on
    their authors' profiles; `before` keeps only what was created before that moment;
    `progress(label, done, total)` is told how far each stage is."""
    started = time.perf_counter()
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a directory")
    site = (site or directory.resolve().name).strip()
    summary = ImportSummary(site=site)
    mapping = SourceMap(site)
    mapping.prune_stale()
    ctx = ImportContext(
        directory=directory,
        site=site,
        before=before,
        community_id=_community_id(community, site) if community else None,
        batch_size=max(1, batch_size),
        summary=summary,
        mapping=mapping,
        progress=progress,
    )
    if ctx.file(POSTS_FILE) is None:
        raise FileNotFoundError(f"{directory / POSTS_FILE} not found")

    people = People(ctx)
    if people.path is None:
        summary.missing_files.append(USERS_FILE)

    posts_started = time.perf_counter()
    posts = PostImporter(ctx, people)
    posts.run()
    summary.posts_seconds = time.perf_counter() - posts_started

    from .comments import CommentImporter
    from .links import LinkImporter

    comments = CommentImporter(ctx, people)
    comments.run()
    LinkImporter(ctx, posts.answer_question).run()
    scores_from_votes(ctx, posts.score_missing)
    refresh_counters(
        questions=posts.touched_questions,
        posts=comments.touched_posts,
        answers=comments.touched_answers,
    )
    with transaction.atomic():
        people.fill_biographies()

    if index:
        summary.indexed = index_imported(
            imported_objects(
                posts=posts.new_question_ids,
                comments=comments.new_comment_ids,
                answers=posts.new_answer_ids,
                answer_comments=comments.new_answer_comment_ids,
                hashtags=posts.tags.created,
            ),
            progress=(lambda done, total: progress("search", done, total)) if progress else None,
        )
    # Bulk inserts send no signals: bring the expert finder's evidence up to date now rather
    # than on the first "who can help?" query after a large import.
    from agora.experts.index import catch_up

    catch_up()
    summary.seconds = time.perf_counter() - started
    return summary


def _community_id(name: str, site: str) -> int:
    """The community called `name` (or whose address is `name`), created open if missing."""
    name = name.strip()
    found = (
        Community.objects.filter(name__iexact=name).first()
        or Community.objects.filter(slug=slugify(name)).first()
    )
    if found is not None:
        return found.pk
    base = slugify(name)[:120] or "imported"
    slug, number = base, 2
    while Community.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    description = _("Questions and answers imported from %(site)s (%(license)s).") % {
        "site": site,
        "license": LICENSE,
    }
    community = Community.objects.create(
        name=name[:120],
        slug=slug,
        kind=Community.Kind.OPEN,
        description=description,
        description_html=render_markdown(description),
    )
    return community.pk
