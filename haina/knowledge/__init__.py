"""The knowledge base: articles in knowledge/, their search and their rendering per channel."""
