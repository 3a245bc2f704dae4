# `nix develop`: the image's tools, with the project installed editable (src/ changes
# apply without a rebuild), and uv pointed at the Nix interpreter and told not to sync
# or download, so `uv run` and `nox` use this environment as it is.
{
  pkgs,
  python,
  tools,
}:
pkgs.mkShell {
  name = "ci-image-dev";
  packages = tools.all;
  env = {
    UV_NO_SYNC = "1";
    UV_PYTHON = python.interpreter;
    UV_PYTHON_DOWNLOADS = "never";
  };
  shellHook = ''
    unset PYTHONPATH
    REPO_ROOT=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
    export REPO_ROOT
  '';
}
