import sys

from budaya.cli import entry

sys.exit(entry())
