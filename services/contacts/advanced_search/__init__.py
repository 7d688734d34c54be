"""Advanced contact search (C4): AND/OR/NOT expressions, more filters, sorting and deep keyset paging."""
