"""gunicorn's settings for `gunicorn wsgi:app` (read from the working directory).

Live editing holds a WebSocket open for as long as someone has a section open, inside the
app's own WSGI server (consult/live/sockets.py): the gthread worker gives each open socket a
thread of its own, and ordinary requests keep theirs. GUNICORN_THREADS bounds the sockets
plus requests one worker serves at once; several workers (WEB_CONCURRENCY) or instances need
REDIS_URL, through which their live rooms relay edits (README, "Live editing")."""

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "128"))
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
