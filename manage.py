#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["allocate_places"]:
        # Pure computation on files: skip Django's start, which imports every app (commissions/allocation_file.py).
        from commissions.allocation_file import main

        sys.exit(main(sys.argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
