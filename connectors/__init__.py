"""Input channels and web pages: adapters between the outside world and the assistant, no business rules."""
