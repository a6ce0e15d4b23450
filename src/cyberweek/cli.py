"""The `cyberweek` console command: Django's management commands, plus `cyberweek pii`.

`cyberweek pii ...` runs the personal-information engine without Django, so it works on
any machine with the package installed and no database.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "pii":
        from cyberweek.pii.cli import main as pii_main

        return pii_main(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberweek.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
