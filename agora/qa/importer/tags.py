"""A question's Stack Exchange tags become its hashtags (the question's topics in Agora)."""

from agora.conversations.hashtags import key_of
from agora.conversations.models import Hashtag, PostHashtag

from .fields import hashtag_name
from .inserts import insert


class Tags:
    def __init__(self, summary):
        self.summary = summary
        self.ids: dict[str, int] = {}  # hashtag key -> id
        self.created: list[int] = []  # hashtags this run created (to index them)

    def link(self, posts: list[tuple[int, object, list[str]]]) -> None:
        """Tag each (post id, post date, source tag names); tags differing only by case or
        accents are one hashtag, as everywhere in Agora."""
        wanted: dict[str, str] = {}  # key -> name
        per_post = []
        for post_id, created, names in posts:
            keys = {}
            for tag in names:
                name = hashtag_name(tag)
                if name is None:
                    self.summary.skip("tags", "not usable as a hashtag")
                    continue
                key = key_of(name)
                keys.setdefault(key, name)
                wanted.setdefault(key, name)
            per_post.append((post_id, created, list(keys)))
        self._resolve(wanted)
        # new posts only, each key once: no conflict possible
        insert(
            PostHashtag,
            [
                {"post_id": post_id, "hashtag_id": self.ids[key], "created_at": created}
                for post_id, created, keys in per_post
                for key in keys
            ],
            returning=False,
        )

    def _resolve(self, wanted: dict[str, str]) -> None:
        missing = [k for k in wanted if k not in self.ids]
        if not missing:
            return
        self.ids.update(Hashtag.objects.filter(key__in=missing).values_list("key", "pk"))
        new = [k for k in missing if k not in self.ids]
        if not new:
            return
        # Hashtag.save() computes the key; bulk_create does not call it.
        Hashtag.objects.bulk_create(
            [Hashtag(name=wanted[k], key=k) for k in new], batch_size=500, ignore_conflicts=True
        )
        found = dict(Hashtag.objects.filter(key__in=new).values_list("key", "pk"))
        self.ids.update(found)
        self.created.extend(found.values())
