"""Source descriptions: the column mapping through which every extract is read."""
