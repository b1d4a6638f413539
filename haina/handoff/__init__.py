"""Human handoff: a chat conversation that asked for a person, or that the assistant failed twice in a
row, waits in a queue until a staff member takes it, answers in the user's channel, and hands it back.

- queue:      the states waiting -> taken -> closed (who and when), the staff's replies and their delivery;
              `request(...)` is called by actions/handoff.py, the rest by the staff console.
- failures:   `failures_in_a_row(events)`: how many of the latest user turns the assistant could not answer.
- transcript: a conversation's Rasa events as a transcript for staff, with the user's detected language
              per message and a Chinese rendering of the assistant's answers where the knowledge base
              (or the domain's responses) has one.

The bot stays silent while a conversation is handed off through Rasa's own ConversationPaused event;
Rasa still stores every user message of a paused conversation, so nothing written while waiting is lost.
"""
