"""`POST /v1/embeddings`: deterministic unit vectors that behave like sentence embeddings.

Real sentence embeddings are driven by the words two texts share: a paraphrase
in other words scores lower than a sentence that keeps the words and flips one
fact. That is what makes embedding similarity a weak check for migrations
("was issued" and "was not issued" score high), and what tests need to show. As
with a real sentence-embedding model (issue 25 measured a median cosine of 0.99), a
one-word change of meaning in a sentence of a dozen words scores above 0.9, and a
sentence dropped from a long answer moves the whole answer's vector little.

Each text is a sum of hashed features, one per word:

* content words: their stem, weight 1;
* stopwords and negations ("not", "n't", "never"): weight 0.3, so a negation
  barely moves the vector;
* weekdays, months and numbers: mostly a shared class feature ("a weekday")
  plus a little of the word itself, so a re-dated sentence stays close.

A feature is 16 signed entries of a `dimensions`-long vector chosen by a hash;
the sum is normalised to length 1 and rounded to float32 as the API's are.
The SDK asks for base64 unless told otherwise: little-endian float32 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
from typing import Any

from devtools.local_openai import extract
from devtools.local_openai.errors import ApiError
from devtools.local_openai.extract import count_tokens

JsonObj = dict[str, Any]

# model: (default dimensions, whether `dimensions` may shorten it, the name the API reports)
MODELS: dict[str, tuple[int, bool, str]] = {
    "text-embedding-3-small": (1536, True, "text-embedding-3-small"),
    "text-embedding-3-large": (3072, True, "text-embedding-3-large"),
    "text-embedding-ada-002": (1536, False, "text-embedding-ada-002-v2"),
}
DEFAULT_DIMENSIONS = 1536  # an Azure deployment whose model is not named above
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
ENTRIES_PER_FEATURE = 16
STOPWORD_WEIGHT = 0.3
CLASS_WEIGHT = 1.0
CLASS_WORD_WEIGHT = 0.35
INVALID_INPUT = (
    "'$.input' is invalid. Please check the API reference: "
    "https://platform.openai.com/docs/api-reference."
)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:'[A-Za-z]+)?")
_WEEKDAYS = frozenset(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
# "may" is left out: it is a verb far more often than a month.
_MONTHS = frozenset(
    (
        "january", "february", "march", "april", "june", "july", "august",
        "september", "october", "november", "december",
    )
)  # fmt: skip
_NEGATIONS = frozenset(("not", "no", "never", "nor", "cannot"))


def features(text: str) -> dict[str, float]:
    """The weighted features of a text (see the module docstring)."""
    weights: dict[str, float] = {}

    def add(name: str, weight: float) -> None:
        weights[name] = weights.get(name, 0.0) + weight

    for token in _TOKEN.findall(text):
        low = token.lower()
        if low.endswith("n't"):
            add(f"w:{low[:-3]}", STOPWORD_WEIGHT)
            low = "not"
        if low[0].isdigit():
            add("class:number", CLASS_WEIGHT)
            add(f"n:{low.replace(',', '')}", CLASS_WORD_WEIGHT)
        elif low in _WEEKDAYS or low in _MONTHS:
            add("class:weekday" if low in _WEEKDAYS else "class:month", CLASS_WEIGHT)
            add(f"w:{low}", CLASS_WORD_WEIGHT)
        elif low in _NEGATIONS or low in extract.STOPWORDS:
            add(f"w:{low}", STOPWORD_WEIGHT)
        else:
            add(f"w:{extract.stem(low)}", 1.0)
    if not weights:  # punctuation only: still a unit vector, and a stable one
        add(f"raw:{text}", 1.0)
    return weights


def _entries(feature: str, dimensions: int) -> list[tuple[int, float]]:
    digest = hashlib.blake2b(feature.encode(), digest_size=2 * ENTRIES_PER_FEATURE).digest()
    scale = 1 / math.sqrt(ENTRIES_PER_FEATURE)
    out: list[tuple[int, float]] = []
    for i in range(ENTRIES_PER_FEATURE):
        value = int.from_bytes(digest[2 * i : 2 * i + 2], "big")
        out.append(((value >> 1) % dimensions, scale if value & 1 else -scale))
    return out


def embed(text: str, dimensions: int) -> list[float]:
    """A unit vector of `dimensions` float32 values for the text."""
    vector = [0.0] * dimensions
    for feature, weight in features(text).items():
        for index, sign in _entries(feature, dimensions):
            vector[index] += sign * weight
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return float32([v / norm for v in vector])


def float32(values: list[float]) -> list[float]:
    """Round to float32, as the API's values are, so float and base64 answers agree."""
    return list(struct.unpack(f"<{len(values)}f", struct.pack(f"<{len(values)}f", *values)))


def as_base64(values: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity (the vectors are unit length, so the dot product)."""
    return sum(x * y for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- the request


def _inputs(raw: Any) -> list[tuple[str, int]]:
    """(text to embed, tokens) per input: a string, strings, or token arrays."""
    if isinstance(raw, str):
        items: list[Any] = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(t, int) for t in raw):
        items = [raw]  # one token array
    elif isinstance(raw, list):
        items = raw
    else:
        raise ApiError.invalid(INVALID_INPUT)
    if not items or len(items) > MAX_INPUTS:
        raise ApiError.invalid(INVALID_INPUT)
    out: list[tuple[str, int]] = []
    for item in items:
        if isinstance(item, str) and item:
            out.append((item, count_tokens(item)))
        elif (
            isinstance(item, list)
            and item
            and all(isinstance(t, int) and not isinstance(t, bool) for t in item)
        ):
            out.append((" ".join(f"t{t}" for t in item), len(item)))
        else:
            raise ApiError.invalid(INVALID_INPUT)
    for _, tokens in out:
        if tokens > MAX_INPUT_TOKENS:
            raise ApiError.invalid(
                f"This model's maximum context length is {MAX_INPUT_TOKENS} tokens, however you "
                f"requested {tokens} tokens ({tokens} in your prompt; 0 for the completion). "
                "Please reduce your prompt; or completion length.",
                code="context_length_exceeded",
            )
    if sum(tokens for _, tokens in out) > MAX_REQUEST_TOKENS:
        raise ApiError.invalid(
            f"Requested {sum(t for _, t in out)} tokens, max {MAX_REQUEST_TOKENS} tokens per "
            "request",
            code="max_tokens_per_request",
        )
    return out


def _dimensions(request: JsonObj, model: str, any_model: bool) -> tuple[int, str]:
    """(dimensions, reported model name); a 404 for a model the API does not have."""
    known = MODELS.get(model)
    if known is None and not any_model:
        raise ApiError.invalid(
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
            status=404,
        )
    default, shortens, reported = known or (DEFAULT_DIMENSIONS, True, model)
    asked = request.get("dimensions")
    if asked is None:
        return default, reported
    if not shortens:
        raise ApiError.invalid("This model does not support specifying dimensions.")
    if not isinstance(asked, int) or isinstance(asked, bool) or not 1 <= asked <= default:
        raise ApiError.invalid(
            f"Invalid 'dimensions': expected an integer between 1 and {default}, got {asked!r}.",
            param="dimensions",
            code="invalid_value",
        )
    return asked, reported


def create(request: JsonObj, *, any_model: bool = False) -> JsonObj:
    """The API's answer to an embeddings request; `ApiError` for what it rejects.

    `any_model` accepts model names the API does not have (an Azure deployment
    may be called anything).
    """
    model = request.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError.invalid("you must provide a model parameter", param="model")
    if "input" not in request:
        raise ApiError.invalid(
            "Missing required parameter: 'input'.", param="input", code="missing_required_parameter"
        )
    encoding = request.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ApiError.invalid(
            f"Invalid value: '{encoding}'. Supported values are: 'float' and 'base64'.",
            param="encoding_format",
            code="invalid_value",
        )
    dimensions, reported = _dimensions(request, model, any_model)
    inputs = _inputs(request["input"])
    data: list[JsonObj] = []
    for index, (text, _) in enumerate(inputs):
        vector = embed(text, dimensions)
        shown: list[float] | str = as_base64(vector) if encoding == "base64" else vector
        data.append({"object": "embedding", "index": index, "embedding": shown})
    tokens = sum(t for _, t in inputs)
    return {
        "object": "list",
        "data": data,
        "model": reported,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
