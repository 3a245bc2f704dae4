"""``triggers``: Forgejo's push-event decision, its path patterns, and the changed files
of a push as Forgejo computes them."""
