"""The follow-up report: a session folder turned into one model, rendered four ways.

- build: the folder (records, feed cache, agenda, clock log) to ``ReportData``
- model: the report as plain data; names, words: what every format says alike
- render_markdown, render_html, render_csv, render_json (with ``report.schema.json``)
- redact: askers left out unless asked for; merge: files copied from other machines
- series: every session of a recurring series; write: the rendered report to a file
- ledger: the series' open commitments followed across sessions, and themes by session
- quiet_gc: the collector held off while a large report is built

No re-exports: each module is imported where it is used, so rendering or merging does not
load the builder (and the board, clock and feed cache behind it).
"""
