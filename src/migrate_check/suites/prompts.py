"""What a case sends the model: chat `messages`, a Responses `input`, and prompt text,
each of which may be read from a file beside the suite (`content: {file: prompts/x.md}`).

Prompt files are the one place a suite reaches outside itself, so the rules that keep a
shared suite from carrying a private file to the API live here, in one function.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from migrate_check.safety import safe_yaml
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located, line_of, plain

#: A prompt read from a file beside the suite (`content: {file: prompts/triage-v2.md}`).
MAX_PROMPT_FILE_BYTES = 1024 * 1024
MESSAGE_ROLES = ("system", "developer", "user", "assistant", "tool")


def read_messages(fields: FieldReader, node: Located, case: str) -> list[dict[str, Any]]:
    """A chat request's `messages`: a non-empty list, each with a known role and content."""
    messages = node.get("messages")
    if messages is None:
        raise fields.error(node.line, "a chat case needs 'messages'", case)
    line = node.key_lines["messages"]
    if not isinstance(messages, list) or not messages:
        raise fields.error(line, "'messages' must be a non-empty list", case)
    for position, message in enumerate(messages):
        where = line_of(message, line)
        if not isinstance(message, dict):
            raise fields.error(where, f"message #{position + 1} must be a mapping", case)
        role = message.get("role")
        if role not in MESSAGE_ROLES:
            raise fields.error(
                where,
                f"message #{position + 1} has role {role!r}; use one of {', '.join(MESSAGE_ROLES)}",
                case,
            )
        if "content" not in message and "tool_calls" not in message:
            raise fields.error(where, f"message #{position + 1} has no 'content'", case)
        if isinstance(message.get("content"), dict):
            message["content"] = read_prompt_file(
                fields, message["content"], where, f"message #{position + 1}", case
            )
    return [plain(m) for m in messages]


def read_input(fields: FieldReader, node: Located, case: str | None) -> Any:
    """A Responses API `input`: text, or items whose `content` may be `{file: path}`."""
    value = node["input"]
    if isinstance(value, list):
        line = node.key_lines["input"]
        for position, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get("content"), dict):
                where = line_of(item, line)
                item["content"] = read_prompt_file(
                    fields, item["content"], where, f"input item #{position + 1}", case
                )
    return plain(value)


def read_prompt(fields: FieldReader, node: Located, key: str, case: str | None) -> str:
    """A prompt: a string, or `{file: path}` read from beside the suite."""
    value = node[key]
    if isinstance(value, str):
        return value
    return read_prompt_file(fields, value, node.key_lines[key], key, case)


def read_prompt_file(
    fields: FieldReader, value: Any, line: int, what: str, case: str | None
) -> str:
    """The text of `{file: path}`: a file inside the suite's folder, UTF-8, bounded.

    Suites come from others too: a path may not leave the suite's folder (no `..`,
    no absolute path, no symbolic link out), or a prompt could carry a private file
    to the API.
    """
    if not (isinstance(value, Mapping) and set(value) == {"file"}):
        raise fields.error(line, f"{what!r} must be text or {{file: path beside the suite}}", case)
    name = value["file"]
    if not isinstance(name, str) or not name:
        raise fields.error(line, f"{what!r}: 'file' must be a path", case)
    if "\x00" in name:
        raise fields.error(line, f"{what!r}: the prompt file name {name!r} holds a NUL byte", case)
    folder = fields.file.parent.resolve()
    try:
        path = (folder / name).resolve()
    except (OSError, ValueError) as exc:
        raise fields.error(
            line, f"{what!r}: the prompt file {name!r} cannot be found: {exc}", case
        ) from None
    if not path.is_relative_to(folder):
        raise fields.error(
            line, f"{what!r}: the prompt file {name!r} is outside the suite's folder", case
        )
    if any(part.startswith(".") for part in path.relative_to(folder).parts):
        raise fields.error(
            line, f"{what!r}: the prompt file {name!r} is hidden (.env and the like)", case
        )
    try:
        return _read_regular_file(path, MAX_PROMPT_FILE_BYTES)
    except _NotRegular as exc:
        raise fields.error(
            line, f"{what!r}: the prompt file {name!r} is not a regular file ({exc})", case
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise fields.error(
            line, f"{what!r}: cannot read the prompt file {name!r}: {exc}", case
        ) from None


class _NotRegular(Exception):
    """A prompt path that names a FIFO, a device, a socket or a folder."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_regular_file(path: Path, limit: int) -> str:
    """A regular file's UTF-8 text, at most `limit` bytes.

    Opened without blocking, then checked on the open file: a FIFO would otherwise wait
    for a writer forever (collection hangs), and a check before opening could be raced.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(next((kind for test, kind in _KINDS if test(mode)), "not a file"))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise safe_yaml.FileTooLarge(
            f"{path.name} is larger than {limit // (1024 * 1024)} MiB; refused without reading it"
        )
    return data.decode("utf-8")
