"""Person-organisation links with a role (C2)."""
