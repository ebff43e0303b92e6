"""Models arrive with the groups issue."""
