"""What the console takes from the machine it runs on.

- paths: the data and configuration folders
- settings: the user's ``config.toml`` and the remembered UI state
- clipboard: copying with pyperclip in a thread, and saying honestly what happened
- heap: keeping the collector's full passes short once a session is loaded
"""
