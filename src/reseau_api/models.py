"""Imports every domain's models so that mappers are configured and Alembic sees all tables."""

from reseau_api.ami.models import AmiApplication, AmiDataset
from reseau_api.claims.models import PlaceClaim
from reseau_api.core.db import Base
from reseau_api.core.ratelimit import RateLimit
from reseau_api.core.versions import DataVersion
from reseau_api.coverage.models import Commune
from reseau_api.feed.models import FeedChange, FeedSequencer, FeedState
from reseau_api.members.models import ApiKey, Organisation
from reseau_api.places.models import Place, PlaceRevision
from reseau_api.practices.models import Practice, PracticePlace, PracticeRevision
from reseau_api.territories.models import Departement
from reseau_api.webhooks.models import WebhookDelivery, WebhookSubscription

__all__ = [
    "AmiApplication", "AmiDataset", "ApiKey", "Base", "Commune", "DataVersion", "Departement", "FeedChange",
    "FeedSequencer", "FeedState", "Organisation", "Place", "PlaceClaim", "PlaceRevision", "Practice",
    "PracticePlace", "PracticeRevision", "RateLimit", "WebhookDelivery", "WebhookSubscription",
]
