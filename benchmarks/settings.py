"""Settings for the HTTP benchmarks only: the project's settings plus the baseline endpoints
(plain Django "hello", a DRF one-row insert, a DRF one-row read) that the figures are compared to."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.baseline"]
ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
