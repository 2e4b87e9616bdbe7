"""Uploaded images (issue 11): checked before they are stored, and copied at a smaller size in bounded memory.

The checks read the image's header (and, for PNG, its checksums; for JPEG, a decoding at 1/8 scale): nothing is
decoded at full size in the request that uploads it. The pixel count bounds what decoding may ever cost:
``IMAGE_UPLOAD_MAX_PIXELS`` pixels at 4 bytes each; Pillow itself refuses to open an image of more than twice that
(``Image.MAX_IMAGE_PIXELS``, set when the portal starts), the guard against decompression bombs.
"""

import io
import math

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What Pillow raises on a file that is not the image it claims to be (truncated, bad checksum, bad header…).
UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)


def pillow_limits() -> None:
    """Pillow's own bound, from settings: beyond twice it, ``Image.open`` raises ``DecompressionBombError``."""
    Image.MAX_IMAGE_PIXELS = settings.IMAGE_UPLOAD_MAX_PIXELS


@deconstructible
class ImageUploadValidator:
    """Refuses, with a message naming the problem, an uploaded image that is too heavy, has too many pixels, is too
    elongated, or is not a JPEG, PNG, WebP or GIF image Pillow can read. A file already stored is not checked
    again (it was when it was uploaded)."""

    def __call__(self, file) -> None:
        if not file or getattr(file, "_committed", False):
            return
        if file.size > settings.IMAGE_UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file weighs %(size)s; at most %(max)s are accepted. Reduce it, e.g. export it as a JPEG."),
                code="file_too_large",
                params={"size": filesizeformat(file.size), "max": filesizeformat(settings.IMAGE_UPLOAD_MAX_BYTES)},
            )
        width, height = _checked_size(file)
        max_pixels = settings.IMAGE_UPLOAD_MAX_PIXELS
        if width * height > max_pixels:
            raise _too_many_pixels(f"{width} × {height}")
        ratio = max(width, height) / min(width, height)
        if ratio > settings.IMAGE_UPLOAD_MAX_ASPECT_RATIO:
            raise ValidationError(
                _(
                    "The image is %(width)d × %(height)d pixels: one side is more than %(ratio)s times the other. "
                    "Crop it."
                ),
                code="image_aspect",
                params={"width": width, "height": height, "ratio": f"{settings.IMAGE_UPLOAD_MAX_ASPECT_RATIO:g}"},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ImageUploadValidator)


def _too_many_pixels(size: str) -> ValidationError:
    return ValidationError(
        _("The image is %(size)s pixels; at most %(max)s million pixels are accepted. Reduce it."),
        code="image_too_large",
        params={"size": size, "max": f"{settings.IMAGE_UPLOAD_MAX_PIXELS / 1_000_000:g}"},
    )


def _checked_size(file) -> tuple[int, int]:
    """The size of the image ``file``, read from its header, after the checks that cost no full decoding."""
    not_an_image = ValidationError(
        _("This file is not a JPEG, PNG, WebP or GIF image, or it is damaged."), code="invalid_image"
    )
    try:
        file.seek(0)
        with Image.open(file, formats=IMAGE_FORMATS) as image:
            size = image.size
            if image.format == "JPEG":
                image.draft("RGB", (max(1, size[0] // 8), max(1, size[1] // 8)))
                image.load()  # at 1/8 scale: finds a truncated file for 1/64 of the memory
            else:
                image.verify()  # PNG: every chunk's checksum, without decoding
    except Image.DecompressionBombError:
        bound = f"{2 * settings.IMAGE_UPLOAD_MAX_PIXELS / 1_000_000:g}"
        raise _too_many_pixels(gettext("more than %(max)s million") % {"max": bound}) from None
    except UNREADABLE:
        raise not_an_image from None
    finally:
        file.seek(0)
    if min(size) < 1:
        raise not_an_image
    return size


class UploadedImageField(models.ImageField):
    """An image field whose uploads are checked (``ImageUploadValidator``) on every path that validates the
    model: admin forms and the services' ``full_clean``."""

    default_validators = [ImageUploadValidator()]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UploadedImageFormField, **kwargs})


class UploadedImageFormField(forms.ImageField):
    """Django's image form field, with our checks first: its own check opens the image and would turn a
    decompression bomb or a wrong format into a vague "not a valid image"."""

    def to_python(self, data):
        if data not in self.empty_values:
            ImageUploadValidator()(data)
        return super().to_python(data)


def bounded_jpeg_copy(source, *, max_width: int) -> ContentFile:
    """A JPEG copy of the image ``source`` at most ``max_width`` wide, in bounded memory: a JPEG is decoded at
    the smallest scale still larger than the copy (``draft``); other formats are decoded once, in their own mode
    (at most ``IMAGE_UPLOAD_MAX_PIXELS`` × 4 bytes), then resampled a band of rows at a time, so that no full-size
    converted copy (RGBA premultiplied, palette to RGB) is ever made."""
    source.open("rb")
    with Image.open(source, formats=IMAGE_FORMATS) as image:
        width = min(max_width, image.width)
        size = (width, max(1, round(image.height * width / image.width)))
        image.draft("RGB", size)
        image.load()
        copy = _resampled_in_bands(image, size)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())


BAND_ROWS = 128  # rows of the copy made at a time


def _resampled_in_bands(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` resampled (Lanczos) to ``size`` and flattened on white, as RGB. Each band of the copy is
    resampled from the source rows it needs plus a margin covering the filter's reach, so the result is the
    same as resampling the whole image, for the memory of one band."""
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    scale = image.height / size[1]
    margin = math.ceil(3 * max(scale, 1)) + 2  # Lanczos reaches 3 source pixels per copy pixel
    copy = Image.new("RGB", size, "white")
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(size[1], top + BAND_ROWS)
        first = max(0, math.floor(top * scale) - margin)
        last = min(image.height, math.ceil(bottom * scale) + margin)
        band = image.crop((0, first, image.width, last))
        if band.mode not in ("RGB", "RGBA"):
            band = band.convert("RGBA" if alpha else "RGB")
        box = (0, top * scale - first, image.width, bottom * scale - first)
        band = band.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=box)
        copy.paste(band, (0, top), band.getchannel("A") if band.mode == "RGBA" else None)
    return copy
