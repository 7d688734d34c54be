"""The access report of G3, assembled and rendered by the contacts service (which owns G3)."""
