"""The session a console has open, with no UI in it.

- live: the open session (agenda, clock, board, notes, own store file)
- setup: which session to open or create, and the agenda it runs
- carry_over: open items and questions brought into a follow-up session, and the length
  proposed for the segment that takes them
- series_changes: closing and re-opening the series' commitments (the series screen's records)
- form_host: starting and describing the built-in question form (in process), the run's
  form preparation
- form_plan: the form's link and port, chosen once per session and kept in session.json
- form_process: the local form as a process of its own, started or reattached to
- form_pids: that process by pid (alive, still a form, gone)
- console_form: the form the App hosts, process or in-process, behind one interface
- form_batch: what the form should hold, built from the board (pure: the board in, JSON out)
- form_sync: pushing it to the form (requests, deadline, retries, coalescing, status)
- form_link: the participants' link made before the session (``form link``)
- source_choice: the question source named on the command line, typed (no argparse here)
- feed_service: the question feeds (pollers, feed cache load, write and follow), run by the App
"""
