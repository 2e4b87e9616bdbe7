"""Models of the missions app: arrive with their issue."""
