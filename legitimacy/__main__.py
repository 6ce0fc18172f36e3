"""``python -m legitimacy`` runs the command line."""

from .cli import main

main()
