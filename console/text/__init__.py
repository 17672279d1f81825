"""Outside text made safe once, at the boundary.

- clean: control characters, escape sequences and bidi overrides removed; lengths capped
- words: whole-word matching of the held words (the form and the board share it)
- templates: the autoescaping Jinja2 environment every page is made with
"""
