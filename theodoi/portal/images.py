"""Article images: checked by content, re-encoded in a few widths for ``srcset``.

A phone on a weak link downloads the 320-pixel file; a desktop the 1024. The
upload itself is never served: every rendition is re-encoded by Pillow (no
metadata, no trailing bytes), so a file that only looks like an image is
refused and a real one loses whatever it carried besides its pixels.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.core.files import sniff

WIDTHS = (320, 640, 1024)
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED = {"jpg", "png"}


def check_image(upload: Any) -> None:
    """A ValidationError at ``image`` unless the upload is a JPEG or PNG of a sane size."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"image": _("The image is larger than 8 MB.")})
    if sniff(upload) not in ACCEPTED:
        raise ValidationError({"image": _("Upload a JPEG or PNG image.")})


def renditions(upload: Any) -> tuple[int, int, dict[str, str]]:
    """Store the upload in each width (never wider than it is); (width, height, {w: path})."""
    from PIL import Image, UnidentifiedImageError  # loaded by the first upload only

    check_image(upload)
    try:
        with Image.open(upload) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({"image": _("The image has too many pixels.")})
            probe.load()
            picture = probe.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError({"image": _("The image cannot be read.")}) from error
    upload.seek(0)
    width, height = picture.size
    stem = f"portal/{clock.today():%Y/%m}/{uuid.uuid4().hex[:16]}"
    wanted = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
    paths: dict[str, str] = {}
    for target in sorted(set(wanted)):
        copy = picture.copy()
        copy.thumbnail((target, target * 4))
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=78, optimize=True, progressive=True)
        paths[str(target)] = default_storage.save(
            f"{stem}-{target}.jpg", ContentFile(buffer.getvalue())
        )
    return width, height, paths
