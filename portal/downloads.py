"""The one way a view hands out a file: a safe name, no type sniffing, no caching of personal files."""

import re
from pathlib import PureWindowsPath

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def safe_filename(name, default="fichier"):
    """The last part of `name` without control characters, quotes or separators (a family's own file name)."""
    name = PureWindowsPath(str(name)).name  # drops directories whichever separator the browser sent
    name = UNSAFE_IN_NAME.sub("_", name).strip(" ._")
    return name[:150] or default


def file_response(content, *, filename, content_type, personal=True, inline=False):
    """A download of `content` (bytes, text or an open file) under `filename`.

    Content-Disposition says attachment (or inline, for a file shown in the page) with a name no one can
    use to break the header; `nosniff` keeps browsers to `content_type`; a personal file (anything about
    a family, a child, an account) is never kept by a browser or a proxy cache.
    """
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, safe_filename(filename))
    response["X-Content-Type-Options"] = "nosniff"
    if personal:
        response["Cache-Control"] = "private, no-store"
    return response
