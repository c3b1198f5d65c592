from reseau_api.core.errors import InvalidBody, NotFound


class WebhookNotFound(NotFound):
    def __init__(self, webhook_id: object) -> None:
        super().__init__(f"No webhook subscription {webhook_id}.")


class DeliveryNotFound(NotFound):
    def __init__(self, delivery_id: object) -> None:
        super().__init__(f"No delivery {delivery_id} for this subscription.")


class UnsafeWebhookUrl(InvalidBody):
    def __init__(self, reason: str) -> None:
        detail = f"This URL cannot receive webhooks: {reason}."
        super().__init__([{"in": "body", "pointer": "/url", "detail": detail}], detail=detail)
