# `nix flake check`: the image's tag evaluates (without building the image), the venv has
# the tools a job imports and not the project, and the helper runs.
{
  pkgs,
  image,
  venv,
  app,
}:
{
  image-tag =
    pkgs.runCommand "ci-image-tag" { tag = builtins.unsafeDiscardStringContext image.imageTag; }
      ''
        [[ "$tag" =~ ^[0-9a-z]{32}$ ]] || { echo "not a Nix hash: $tag" >&2; exit 1; }
        echo "$tag" > "$out"
      '';

  venv-imports = pkgs.runCommand "ci-image-venv-imports" { nativeBuildInputs = [ venv ]; } ''
    python -c 'import behave, coverage, mypy, nox, yaml'
    ruff --version
    python -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("ci_image") is not None)' \
      || { echo "the image venv contains the project" >&2; exit 1; }
    touch "$out"
  '';

  # The wrapper puts nixpkgs' skopeo on the helper's PATH (not on this check's).
  app-runs = pkgs.runCommand "ci-image-app-runs" { nativeBuildInputs = [ app ]; } ''
    ci-image --version
    grep -qF '${pkgs.skopeo}/bin' "$(command -v ci-image)"
    touch "$out"
  '';
}
