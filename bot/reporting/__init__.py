"""Reports as people see them: files, the Home tab and its forecast."""
