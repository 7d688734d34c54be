"""Pure page layouts of the PDF exports (I2): label and card sheets, Finnish postal addresses, text fitting,
and the canvas writers of address labels, name cards and PDF lists. No Nameko, no SQL: rows in, PDF out.
"""
