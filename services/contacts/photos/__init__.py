"""Contact photos (C2)."""
