"""Validation codes of the contacts service: its base schema and validators find codes (contract.py)."""
