"""akrim's PDFs load nothing but inline data: no local file, no server."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from akrim.core.pdf import pdf_bytes


def _png(path: Path) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "PNG")
    path.write_bytes(out.getvalue())
    return out.getvalue()


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_data_image_is_drawn_and_a_local_file_is_not_read(tmp_path: Path) -> None:
    data = _png(tmp_path / "secret.png")
    inline = f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}">'
    assert _images(pdf_bytes(f"<p>{inline}</p>")) == 1
    local = f'<img src="file://{tmp_path / "secret.png"}">'
    styled = f'<p style="background: url(file://{tmp_path / "secret.png"})">x</p>'
    assert _images(pdf_bytes(f"<p>{local}</p>{styled}")) == 0
