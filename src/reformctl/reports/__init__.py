"""Building a report as plain data, and rendering it once per format."""
