"""The agenda a facilitator keeps to, read from TOML.

- model: the agenda's dataclasses (no file handling, so every part can use them cheaply)
- load: a file or a bundled name to a checked agenda; the bundled agendas
- errors: ``Problem`` and ``AgendaError`` (``path:line:col: message``)
- validate: every check of a file, collecting problems in one pass
- reader: typed reads of one TOML table, with did-you-mean
- positions: where each key and value stands in the TOML text
- write: an agenda written back as TOML, and the starter file ``agenda new`` writes

No re-exports here on purpose: the clock, the board and the report need only ``model``, and
importing the loader (``tomllib``, the checks) for them would be cost without use.
"""
