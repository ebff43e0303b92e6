"""Models arrive with the trainings issue."""
