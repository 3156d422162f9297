"""Uploaded pictures (avatars, covers): check they really are images, then keep a resized
WebP copy — never the original bytes, which may carry metadata or a payload."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Invalid

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# A few kilobytes of PNG can declare 100 megapixels; refuse before decoding them.
MAX_PIXELS = 50_000_000


def to_webp(upload, *, field: str, max_bytes: int, size: tuple[int, int]) -> bytes:
    """The upload cropped to `size` as WebP bytes, or Invalid with a message for `field`."""
    if upload.size > max_bytes:
        raise Invalid(
            fields={
                field: [
                    _("The image is too large (at most %(mb)d MB).")
                    % {"mb": max_bytes // (1024 * 1024)}
                ]
            }
        )
    try:
        image = Image.open(upload)
        image_format = image.format
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.draft("RGB", (size[0] * 2, size[1] * 2))  # JPEG decodes at a reduced size
        if image.width * image.height > MAX_PIXELS:
            raise Invalid(fields={field: [_("The image has too many pixels.")]})
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(fields={field: [_("This file is not an image we can read.")]}) from None
    if image_format not in ACCEPTED_FORMATS:
        raise Invalid(fields={field: [_("Use a JPEG, PNG, GIF or WebP image.")]})
    image = ImageOps.fit(
        ImageOps.exif_transpose(image).convert("RGB"), size, Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85)
    return out.getvalue()


def replace_file(file_field, name: str, content: bytes) -> None:
    """Save new content under `name` and remove the previous file, if it had another name."""
    old = file_field.name or None
    file_field.save(name, ContentFile(content), save=True)
    if old and old != file_field.name:
        file_field.storage.delete(old)
