"""Models of the workplan app: arrive with their issue."""
