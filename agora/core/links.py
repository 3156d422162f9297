"""Addresses of objects by primary key, without resolving the URL configuration each time.

`reverse()` walks the resolver for every call (~20-40 µs); a feed page of 20 cards asked it
~180 times and a reindex millions of times. The address of a route with one integer argument
is its reversed form with the number put in.
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

_MARKER = 918273645
_TEXT_MARKER = "zq9marker9qz"  # a slug, a username and any string route accept it
# What reverse() leaves unquoted in an address (django.urls.resolvers).
_SAFE = RFC3986_SUBDELIMS + "/~:@"


@lru_cache(maxsize=128)
def _url_template(name: str, prefix: str) -> str:
    url = reverse(name, args=[_MARKER])
    return url.replace("{", "{{").replace("}", "}}").replace(str(_MARKER), "{}")


def object_url(name: str, pk) -> str:
    """reverse(name, args=[pk]) for a route taking one integer."""
    return _url_template(name, get_script_prefix()).format(pk)


@lru_cache(maxsize=128)
def _text_url_template(name: str, prefix: str) -> str:
    url = reverse(name, args=[_TEXT_MARKER])
    return url.replace("{", "{{").replace("}", "}}").replace(_TEXT_MARKER, "{}")


def text_url(name: str, value: str) -> str:
    """reverse(name, args=[value]) for a route taking one string (a username, a slug) that
    matches it: the value is quoted as reverse() quotes it."""
    return _text_url_template(name, get_script_prefix()).format(quote(value, safe=_SAFE))
