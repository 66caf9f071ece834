"""The only code that reads or writes tables.

Views, the API and the command line call these named functions, never raw SQL, so every
write path keeps the same guarantees: one transaction per response, the hash chain
extended under SQLite's write lock, nothing deleted. One module per kind of record.
"""
from .people import *  # noqa: F401,F403
from .responses import *  # noqa: F401,F403
from .responses import GENESIS, ReceiptAlreadyUsed, write_transaction  # noqa: F401
from .integrity import *  # noqa: F401,F403
from .complaints import *  # noqa: F401,F403
from .receipts import *  # noqa: F401,F403
from .catalogue import *  # noqa: F401,F403
from .demo import *  # noqa: F401,F403
