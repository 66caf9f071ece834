"""What the writer process (kiosk/store/writer.py) is given by tests/test_writer_process.py:
defined here, in a module it can import by the same name (``tests.…``), not in the test
module, which pytest imports under a name of its own."""
from __future__ import annotations

import os

from kiosk.store import group_commit


def die_after_the_commit(tests_pid, db, row):
    """A flagger that makes the writer's COMMIT its last act (and does nothing in the
    tests' own process, where the rating is written again)."""
    if os.getpid() != tests_pid:
        def finish(self, d):
            d.conn.execute("COMMIT")
            os._exit(1)
        group_commit.GroupCommit.finish = finish
    return []
