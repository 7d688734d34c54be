"""The federation split (B1): settlement parties, fee type components, each invoice line's frozen split
and the settlement report per period (what each party was invoiced, credited and paid, what it is owed)."""
