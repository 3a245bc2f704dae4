"""Fixtures the scenarios start or build: registries, image archives, Nix store paths."""
