"""The use cases: what happens when a text comes in, a status arrives, a
subscriber is scheduled or a consent changes. Web views and CLI commands call
these and never query or lock rows themselves."""
