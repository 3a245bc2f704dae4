"""The image's identity and freshness: its tag (store paths, archives, ``nix eval``), the
inputs it was built from, and ``env-check`` with its fallback venv."""
