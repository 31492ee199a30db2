"""The offline panel of the base template: the queue of what waits to be sent,
and the texts and limits offline.js needs (translated here, not in the script)."""

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("core/_offline_panel.html", takes_context=True)
def offline_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    return {
        "user_key": str(user.pk) if user is not None and user.is_authenticated else "",
        "max_bytes": settings.THEODOI_EVIDENCE_MAX_BYTES,
    }
