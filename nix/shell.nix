# `nix develop`: the image's tools and the image's own venv, with uv pointed at it, so
# `uv run`, nox, pytest and the project's console scripts behave as in a CI job. The
# project's code comes from the checkout (the venv's hook finds it), so edits apply at once
# and rebuild nothing.
{
  pkgs,
  tools,
  name,
  environment,
}:
pkgs.mkShell {
  name = "${name}-dev";
  packages = tools.all;
  env = environment;
  # A PYTHONPATH from the caller's shell would shadow the venv's packages. The venv's hook
  # looks for the checkout at and above the working directory, then at and above
  # CI_IMAGE_CHECKOUT: where `nix develop` was entered, for processes that run elsewhere.
  shellHook = ''
    unset PYTHONPATH
    export CI_IMAGE_CHECKOUT="$PWD"
  '';
}
