"""The follow-up report: a session folder turned into one model, rendered four ways.

- build: the folder (records, feed cache, agenda, clock log) to ``ReportData``
- model: the report as plain data; names, words: what every format says alike
- render_markdown, render_html (``templates/``), render_csv, render_json (with
  ``report.schema.json``), render_docx (over ``docx_xml``); notes_markdown: a notepad's
  Markdown made safe for HTML and DOCX
- faq, render_faq: the publishable questions and answers; packet: the public-records packet
- redact: askers left out unless asked for; merge: files copied from other machines
- series: every session of a recurring series; write: the rendered report to a file
- decision_log: the session's decision log and live windows, read from its folder
- ledger: the series' open commitments followed across sessions, and themes by session
- quiet_gc: the collector held off while a large report is built
- answers as spoken: captions_parse (caption files to cues), captions_align (the offset,
  cues to live windows), captions_windows (a session's live windows), captions_review
  (keep, edit, drop; names by the ``--with-names`` rule), spoken (them into a report)

No re-exports: each module is imported where it is used, so rendering or merging does not
load the builder (and the board, clock and feed cache behind it).
"""
