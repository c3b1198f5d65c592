"""Public HTML pages that promote the places: one page per place, the directory, department pages, the
embeddable card, the sitemap and robots.txt. Server-rendered (Jinja2), readable without JavaScript."""
