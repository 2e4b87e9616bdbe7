"""Peak memory of making a factsheet photo's resized copy, for the worst images the upload checks accept and
for the issue's 12000 × 12000 PNG with the resize as it was before issue 11.

Each resize runs in a fresh process with the portal loaded (as a web worker is); the process reports its peak
resident memory before and after (``VmHWM`` of /proc/self/status: unlike ``ru_maxrss``, it does not carry over
the parent's peak through fork and exec). Linux only. Prints one table.

    .venv/bin/python bench/upload_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.images import PALETTE, RGB, RGBA, png_file  # noqa: E402

# The resize before issue 11 (projects.services.photo_resized_copy): decode, convert, resample at full size.
BEFORE = """
def resize(path):
    import io
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.width > 1600:
            image = image.resize((1600, max(1, round(image.height * 1600 / image.width))), Image.LANCZOS)
        image.save(io.BytesIO(), format="JPEG", quality=85, optimize=True)
"""
AFTER = """
def resize(path):
    from django.core.files import File
    from projects.services import photo_resized_copy
    with open(path, "rb") as handle:
        photo_resized_copy(source=File(handle))
"""
MEASURE = """
import json, sys, time, django
django.setup()
import projects.services, mot_portal.urls  # noqa: the modules a web worker has loaded
{resize}
def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
before = peak_kib()
start = time.perf_counter()
resize(sys.argv[1])
seconds = time.perf_counter() - start
after = peak_kib()
print(json.dumps({{"before_mb": before / 1024, "peak_mb": after / 1024, "seconds": seconds}}))
"""


def measure(path: Path, *, code: str = AFTER) -> dict:
    """The resident memory (MB) of a fresh portal process before and after resizing ``path``, and the time."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mot_portal.settings", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE.format(resize=code), str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def worst_accepted(folder: Path) -> dict[str, Path]:
    """The accepted images that cost most to decode: 30 million pixels (the limit), as RGBA and as a palette
    with transparency (converted to RGBA before resampling), and a JPEG of the same size."""
    from PIL import Image

    jpeg = folder / "worst.jpg"
    Image.new("RGB", (6000, 5000), (20, 120, 60)).save(jpeg, quality=90)
    return {
        "PNG RGBA 6000×5000": png_file(folder / "rgba.png", 6000, 5000, RGBA),
        "PNG palette+alpha 6000×5000": png_file(folder / "palette.png", 6000, 5000, PALETTE, transparent=True),
        "PNG RGB 6000×5000": png_file(folder / "rgb.png", 6000, 5000, RGB),
        "JPEG 6000×5000": jpeg,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = [("12000×12000 PNG (issue), before", measure(png_file(folder / "big.png", 12000, 12000), code=BEFORE))]
        rows += [(f"{name}, after", measure(path)) for name, path in worst_accepted(folder).items()]
    print(f"{'image':45} {'before MB':>10} {'peak MB':>9} {'added MB':>9} {'seconds':>8}")
    for name, row in rows:
        added = row["peak_mb"] - row["before_mb"]
        print(f"{name:45} {row['before_mb']:10.0f} {row['peak_mb']:9.0f} {added:9.0f} {row['seconds']:8.2f}")


if __name__ == "__main__":
    main()
