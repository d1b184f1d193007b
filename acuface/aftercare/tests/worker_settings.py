"""Settings for the real `db_worker` processes started by the two-worker test.

The project's settings, with the database task backend and e-mail written to files (one
folder per test run, from ACUFACE_TEST_EMAIL_DIR) so the test can count what was sent.
"""

import os

from config.settings import *  # noqa: F403

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
EMAIL_BACKEND = "acuface.aftercare.tests.slow_email.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["ACUFACE_TEST_EMAIL_DIR"]
