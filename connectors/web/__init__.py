"""The web server on port 8000: the chat page (and later the FAQ pages and the staff console)."""
