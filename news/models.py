"""Models arrive with the news issue."""
