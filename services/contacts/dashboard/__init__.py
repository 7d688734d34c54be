"""The dashboard's figures of the contacts service (issue 13 item 2): contacts and members with their
trend, who joined and left this month, duplicates waiting and erasures pending, in one audited RPC."""
