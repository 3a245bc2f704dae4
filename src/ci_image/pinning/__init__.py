"""``pin``: the planned rewrite of image references (span-exact, verified by re-reading),
written to every file or to none, and shown as a diff."""
