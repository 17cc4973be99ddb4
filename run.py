"""Entry point: `flask --app run.py ...`, gunicorn `run:app`, and `python run.py` (dev server)."""

import os

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8080")))
