import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
application = get_wsgi_application()

# Everything loaded at start-up lives as long as the worker: move it out of the garbage
# collector's sight so full collections stay short (they caused the API's p95 outliers).
gc.freeze()
