"""The contacts service: owns persons and organisations, their search, and their change events."""
