"""An uploaded file on disk for the readers: every upload page and API endpoint hands
its file to an importer as a temporary copy kept under the file's suffix (the readers
tell XLSX from CSV by it), removed when the block ends. Pure: no Django import (an
upload is anything with ``name`` and ``chunks()``)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def saved_upload(upload) -> Iterator[Path]:
    """The uploaded file as a temporary file on disk, for as long as the block runs."""
    suffix = Path(upload.name or "berkas").suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as temporary:
        for chunk in upload.chunks():
            temporary.write(chunk)
        temporary.flush()
        yield Path(temporary.name)
