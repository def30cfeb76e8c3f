"""Privacy: a person's rights over their data (download it, erase it), retention (nothing kept
longer than it is needed) and the privacy notice that states both.

It sits above every domain that holds personal data (accounts, organisations, signing,
exports), so that they need not know about it: accounts stays low in the import graph. Its
pages have no blueprint of their own: they keep the endpoints templates, tests and the API
contract name ("accounts.download_data", "accounts.delete_account", "main.privacy")."""
