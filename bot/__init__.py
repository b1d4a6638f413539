"""The Rasa assistant: domain, stories, rules and the custom NLU components (bot.nlu)."""
