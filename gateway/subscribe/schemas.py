"""The OpenAPI schemas of the subscription form API (M3)."""

from marshmallow import fields

from services.mailing.contract.subscriptions import SubscriptionForm
from services.mailing.contract.subscriptions import SubscriptionFormInput as SubscriptionFormInput


class SubscriptionFormSettings(SubscriptionForm):
    url = fields.String(metadata={"description": "The hosted page: also the share link for social media."})
    snippet = fields.String(metadata={"description": "HTML of a plain form posting to the hosted page."})
