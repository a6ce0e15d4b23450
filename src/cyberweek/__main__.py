import sys

from cyberweek.cli import main

sys.exit(main())
