"""``python -m kiosk``: see ``kiosk.cli`` (every command has ``--help``)."""
import sys

# sqlite-utils imports numpy and pandas whenever they are installed, for value types the
# kiosk never stores; on a PC that has them for something else that was 13 MB (numpy) of
# the server's memory for nothing. Neither is in requirements.txt.
for _unused in ("numpy", "pandas"):
    sys.modules.setdefault(_unused, None)

from kiosk.cli import build_parser, main  # noqa: E402, F401 (build_parser: tests read the commands)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
