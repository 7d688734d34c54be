"""Paid-up membership (B4, issue 15): a member's paid-up status per period, derived from the invoices the
billing service reports paid (and not credited), plus an explicit free or honorary membership flag."""
