"""Outside text made safe once, at the boundary.

- clean: control characters, escape sequences and bidi overrides removed; lengths capped
"""
