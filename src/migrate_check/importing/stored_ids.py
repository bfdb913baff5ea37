"""The file of stored Responses ids that `--stored-responses IDS_FILE` reads.

The Responses API cannot list what it stored, so the ids come from the application's
logs: one per line. Such a file may hold anything the logs held (a key among them), so
what an error says of it is scrubbed of known secrets.
"""

from __future__ import annotations

import re
from pathlib import Path

from migrate_check.importing.errors import SourceError
from migrate_check.safety import secrets

MAX_IDS_FILE_BYTES = 16 * 1024 * 1024
_RESPONSE_ID = re.compile(r"[A-Za-z0-9_\-]{1,200}")


def response_ids(path: Path, after: str | None, scrubber: secrets.Scrubber) -> list[str]:
    """The ids of a file of response ids, one per line (blank lines and `#` comments
    skipped), those after `after` when given; a line that is no id is a one-line error."""
    shown = scrubber.message(str(path))
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_IDS_FILE_BYTES + 1)
        if len(raw) > MAX_IDS_FILE_BYTES:
            raise SourceError(shown, f"over {MAX_IDS_FILE_BYTES // (1024 * 1024)} MiB of ids")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise SourceError(shown, "no such file") from None
    except UnicodeDecodeError:
        raise SourceError(shown, "not UTF-8 text; expected one response id per line") from None
    ids = []
    for number, line in enumerate(text.splitlines(), 1):
        ident = line.strip()
        if not ident or ident.startswith("#"):
            continue
        if not _RESPONSE_ID.fullmatch(ident):
            raise SourceError(
                shown, "not a response id (one id per line: resp_...)", f"line {number}"
            )
        ids.append(ident)
    if after is None:
        return ids
    if after not in ids:
        flag = scrubber.message(f"--stored-responses-after {after}")
        raise SourceError(shown, f"{flag}: no such id in the file")
    return ids[ids.index(after) + 1 :]
