"""``python -m kiosk``: see ``kiosk.cli`` (every command has ``--help``)."""
import sys

from kiosk.cli import build_parser, main  # noqa: F401 (build_parser: tests read the commands)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
