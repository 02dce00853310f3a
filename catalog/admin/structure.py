"""Admin for channels, audiences, categories, attributes and families."""
