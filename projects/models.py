"""Models of the projects app: arrive with their issue."""
