"""Group automations (C8): rules reacting to joining or leaving a group or to a date, once per trigger."""
