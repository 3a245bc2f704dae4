"""The workflows as Forgejo reads them: which files (discovery), their YAML nodes (loader,
nodes, goyaml: YAML typed as Forgejo's Go decoder types it) and where they name images
(sites)."""
