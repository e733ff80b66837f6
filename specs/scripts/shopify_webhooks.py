"""Signs webhooks as Shopify does, for specs/shopify_webhooks.yaml.

Shopify sends X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the raw request body,
keyed with the app's client secret; a receiver recomputes it over the bytes it got
and compares in constant time. The value depends on the body, so a declaration cannot
give it: this before_action hook computes it from the request about to be sent.

The client's API key is the client secret, and the spec's ApiKey header is this same
header: the hook overwrites the key with the signature, so the secret is never sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

import httpx

SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    if not auth_value:
        return False  # never send a webhook that is not signed
    request.headers[SIGNATURE_HEADER] = _signature(auth_value, request.content)
    # One id per webhook, kept in the call's context: a request sent again within
    # the same call is the same webhook, which receivers deduplicate on.
    webhook_id = context.setdefault("webhook_id", str(uuid.uuid4()))
    request.headers[WEBHOOK_ID_HEADER] = webhook_id
    return None


def _signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
