"""G5 retention: rules, who is past retention, bulk erasure through G4."""
