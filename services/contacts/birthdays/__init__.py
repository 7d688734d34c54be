"""Round birthdays of important contacts (C13): settings, the upcoming list and the daily reminder."""
