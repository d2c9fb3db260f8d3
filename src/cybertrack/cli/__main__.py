"""``python -m cybertrack.cli``."""

from cybertrack.cli import main

main()
