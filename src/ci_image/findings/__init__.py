"""``check``: the rule catalogue, the offline rules over image sites, and the registry's
verification of pinned digests and tags."""
