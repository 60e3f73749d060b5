"""The ``jaring`` command: Django's management CLI with Jaring's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jaring", *sys.argv[1:]])


if __name__ == "__main__":
    main()
