"""Groups and subgroups with memberships (C7): rules, SQL, contract, RPC methods."""
