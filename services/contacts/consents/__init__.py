"""G1 data protection per person: processing purposes, consents with history, legal bases, the view."""
