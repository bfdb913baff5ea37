"""The support-replies feature, written the way the application writes it.

Two model calls: classify the customer's message (structured outputs), then draft the
reply with the system prompt the category picks, from the message and the account's
notes. The function makes its own SDK client, which reads `OPENAI_BASE_URL` and
`OPENAI_API_KEY` from the environment; the model comes in as an argument, as the app's
configuration hands it over. `suites/support_replies.yaml` runs it on both models as
entry-point cases; nothing here knows about migrate-check.
"""

from __future__ import annotations

import json

import openai
from openai.types.shared_params import ResponseFormatJSONSchema

CLASSIFY = "Classify the customer's message for the helpdesk: billing, technical or account."
CATEGORY_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {
        "name": "category",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "category": {"type": "string", "enum": ["billing", "technical", "account"]}
            },
            "required": ["category"],
            "additionalProperties": False,
        },
    },
}
#: Each desk's own voice: the category decides which one drafts the reply.
DESKS = {
    "billing": "You are the billing desk. Answer in one sentence and quote the amount.",
    "technical": "You are technical support. Give the customer the steps as bullet points.",
    "account": "You are the accounts team. Reply politely and never repeat card numbers.",
}
#: Replies longer than this do not fit the helpdesk's reply box.
MAX_REPLY_CHARS = 1200


def draft_reply(message: str, account_notes: str, model: str) -> dict[str, str]:
    """The category of a support message and the reply the desk would send."""
    client = openai.OpenAI()
    label = client.chat.completions.create(
        model=model,
        temperature=0,
        response_format=CATEGORY_FORMAT,
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": message}],
    )
    answer = label.choices[0].message
    if answer.content is None:  # a refusal: the helpdesk has no desk to send it to
        raise ValueError(f"no category for the message: {answer.refusal or 'no answer'}")
    category = json.loads(answer.content)["category"]
    reply = client.chat.completions.create(
        model=model,
        temperature=0,
        messages=[
            {"role": "system", "content": DESKS[category]},
            {"role": "user", "content": message},
            {"role": "user", "content": f"Draft the reply from the account notes: {account_notes}"},
        ],
    )
    return {"category": category, "reply": reply.choices[0].message.content or ""}


def sendable(output: dict[str, str]) -> None:
    """The helpdesk sends a reply only when it is non-empty and fits its reply box."""
    reply = output["reply"].strip()
    assert reply, "empty reply"
    assert len(reply) <= MAX_REPLY_CHARS, f"reply of {len(reply)} characters"
