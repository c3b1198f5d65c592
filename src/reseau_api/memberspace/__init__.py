"""The member space (/espace-membre): a browser interface on top of the public API."""
