"""The session a console has open, with no UI in it.

- live: the open session (agenda, clock, board, notes, own store file)
- setup: which session to open or create, and the agenda it runs
- carry_over: open items and questions brought into a follow-up session
- form_host: starting and describing the built-in question form
- source_choice: the question source named on the command line, typed (no argparse here)
"""
