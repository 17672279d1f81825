"""The agenda a facilitator keeps to, read from TOML.

- model: the agenda's dataclasses, loading a file, the bundled agendas
- validate: every check of a file, reported as ``path:line:col: message``
- reader: typed reads of one TOML table, with did-you-mean
- positions: where each key and value stands in the TOML text
"""
