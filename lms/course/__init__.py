"""Course: lessons, parts and their content."""
