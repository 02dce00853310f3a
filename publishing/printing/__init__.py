"""Print rendering: HTML from templates and view objects, PDF by WeasyPrint, local files only."""
