"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from pathlib import Path

from dotenv import load_dotenv

load_dotenv(Path(__file__).resolve().parent / ".env")

from storefront import create_app  # noqa: E402 - the environment must be loaded first

app = create_app()
