"""File › From data…: a scenario fitted from an event log, checked against it (issue 7 §4)."""
