# What the CI image is built from, in one place. Only builtins, so any Nix (and the tests,
# with the real nix-instantiate) can evaluate it:
#   nix-instantiate --eval --strict --json -E '(import ./nix/image-inputs.nix).paths'
rec {
  # The repository paths whose changes can change the image, written as the build
  # workflow's `paths:` filter writes them. Anything else (src/, features/, docs) cannot:
  # the image's Python environment sees only `workspaceFiles`, and the rest is Nix code.
  paths = [
    "pyproject.toml"
    "uv.lock"
    "flake.nix"
    "flake.lock"
    "nix/**"
  ];

  # The only files uv2nix reads for the image's venv (the same two nix/inputs.nix hashes).
  workspaceFiles = [
    "pyproject.toml"
    "uv.lock"
  ];

  # `root` copied to the store with nothing but `workspaceFiles`: the same store path
  # whatever else in the repository changes.
  workspace =
    root:
    import ./source.nix {
      inherit root;
      name = "ci-image-workspace";
      files = workspaceFiles;
    };
}
