"""Person details (C12 alternative names, C14 deceased, C9 temporary statuses, C10 couples)."""
