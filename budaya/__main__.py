import sys

from budaya.cli import main

sys.exit(main())
