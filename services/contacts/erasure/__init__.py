"""G3 right of access (the contacts service's part of a person's access report) and G4 right to be
forgotten (the erasure request, the contacts service's own erasure, and every service's progress)."""
