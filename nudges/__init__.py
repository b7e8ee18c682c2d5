"""GoodEnough nudges. `from nudges import create_app` (Flask's convention, so
`flask --app nudges run` and `gunicorn 'nudges:create_app()'` work)."""

from nudges.app import create_app

__all__ = ["create_app"]
