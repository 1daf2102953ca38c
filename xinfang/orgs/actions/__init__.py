"""Actions that change the organisation tree."""
