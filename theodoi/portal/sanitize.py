"""Article bodies: rich text through an allow-list sanitiser (nh3, Rust's ammonia).

Applied when a body is saved and again when it is shown, so a row written by
any other path (a migration, the shell, an old version restored) is harmless
on the page too. Allowed: paragraphs, headings, lists, quotes, tables, links
(http, https, mailto, and the site's own paths) and images whose source is
the site's own media. Everything else — scripts, styles, frames, forms, event
handlers, ``javascript:`` and ``data:`` links — is removed.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
SCHEMES = {"http", "https", "mailto"}
# Tags removed with everything inside them, not only their markup.
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "template",
    "iframe",
    "object",
    "noscript",
    "svg",
    "math",
}
# Where the portal serves its images (``portal:media``); nothing else may be an image source.
MEDIA_PREFIX = "/news/media/portal/"
_NUMBER = re.compile(r"[0-9]{1,4}")


def _media_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        # The portal's own media only: no scheme, no "//host", no way out of the folder.
        if value.startswith(MEDIA_PREFIX) and ".." not in value and "\\" not in value:
            return value
        return None
    if attribute in ("width", "height", "colspan", "rowspan"):
        return value if _NUMBER.fullmatch(value) else None
    if tag == "a" and attribute == "href" and value.strip().startswith("//"):
        return None  # a scheme-relative link can point anywhere
    return value


def clean_body(text: str) -> str:
    """The body with only the allowed markup left; images lazy-loaded."""
    cleaned = nh3.clean(
        text or "",
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        attribute_filter=_media_only,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
        strip_comments=True,
    )
    # An image whose source was refused is dropped whole, not left as a broken frame.
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)


def plain_text(text: str) -> str:
    """The body's words without markup (search, descriptions, feeds)."""
    bare = nh3.clean(text or "", tags=set(), clean_content_tags=DROPPED_WITH_CONTENT)
    return " ".join(html.unescape(bare).split())
