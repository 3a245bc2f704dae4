# `nix flake check`: the image's tag evaluates (without building the image); the venv holds
# every dependency the spec names, its hook is installed and finds no checkout in the build
# sandbox (so the venv cannot import the project by itself); the helper runs.
{
  lib,
  pkgs,
  image,
  venv,
  spec,
  app,
}:
let
  # Distribution names as importlib.metadata sees them, PEP 503-normalised.
  expected = lib.concatStringsSep " " (builtins.attrNames spec);
in
{
  image-tag =
    pkgs.runCommand "ci-image-tag" { tag = builtins.unsafeDiscardStringContext image.imageTag; }
      ''
        [[ "$tag" =~ ^[0-9a-z]{32}$ ]] || { echo "not a Nix hash: $tag" >&2; exit 1; }
        echo "$tag" > "$out"
      '';

  venv = pkgs.runCommand "ci-image-venv" { nativeBuildInputs = [ venv ]; } ''
    python - ${expected} <<'PYTHON'
    import importlib.metadata, importlib.util, re, sys
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in importlib.metadata.distributions()}
    missing = sorted(set(sys.argv[1:]) - installed)
    if missing:
        sys.exit(f"the venv lacks {', '.join(missing)}")
    # A venv of virtual projects only has no hook: nothing of theirs is installed.
    if importlib.util.find_spec("_ci_image_checkout"):
        import _ci_image_checkout
        if _ci_image_checkout.checkout_root() is not None:
            sys.exit("the venv found a checkout in the build sandbox")
    PYTHON
    touch "$out"
  '';

  # The wrapper puts nixpkgs' skopeo on the helper's PATH (not on this check's).
  app-runs = pkgs.runCommand "ci-image-app-runs" { nativeBuildInputs = [ app ]; } ''
    ci-image --version
    grep -qF '${pkgs.skopeo}/bin' "$(command -v ci-image)"
    touch "$out"
  '';
}
