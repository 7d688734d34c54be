"""Faithful local emulators of the outside systems Piiri talks to (each in its own folder, with its tests)."""
