"""Account pages, a module for each part: getting in (login.py), the account page
(account.py), two-factor (two_factor.py). Importing this package registers their routes on
the accounts blueprint (created in consult/accounts/__init__.py), which it exposes."""

from consult.accounts import blueprint
from consult.accounts.views import account, login, two_factor

__all__ = ["account", "blueprint", "login", "two_factor"]
