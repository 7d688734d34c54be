"""The audit service: owns the append-only log of who read, changed, imported or exported whose data."""
