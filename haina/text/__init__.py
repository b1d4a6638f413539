"""Text processing shared by the NLU pipeline and the knowledge search."""
