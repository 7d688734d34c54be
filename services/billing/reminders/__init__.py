"""Reminders of overdue invoices (B4): levels, fees, interest, runs, documents, delivery, collection."""
