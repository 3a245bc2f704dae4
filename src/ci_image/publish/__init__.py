"""``push`` and ``release``: the docker-archive, the registry, skopeo, and the order of
operations that makes a release all-or-nothing."""
