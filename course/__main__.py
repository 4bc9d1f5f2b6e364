"""``python -m course …`` -- see course/cli/ for the commands."""

import sys

from course.cli import main

sys.exit(main())
