# The helper, `ci-image`, built from this flake's own source and lock (not from the
# adopting project's), as the application `nix run .#ci-image` runs and every image and
# dev shell holds: nixpkgs' skopeo, zstd (for dockerTools' `.tar.zst` archives) and git
# first on its PATH; nix itself is the one already running.
{
  lib,
  pkgs,
  pyproject-nix,
  uv2nix,
  pythonSetFor,
  # This flake's source.
  helperRoot,
  # The adopting project's interpreter, used when the helper's requires-python allows it
  # (one interpreter in the image), else the helper's own choice.
  python,
}:
let
  project = import ./project.nix {
    inherit lib pyproject-nix;
    root = helperRoot;
  };
  workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = helperRoot; };
  admitsProjectPython =
    pyproject-nix.lib.util.filterPythonInterpreters {
      requires-python = workspace.requires-python;
      pythonInterpreters.project = python;
      pre = true;
      inherit (python) implementation;
    } != [ ];
  helperPython =
    if admitsProjectPython then
      python
    else
      import ./interpreter.nix {
        inherit lib pkgs pyproject-nix;
        inherit (project) lock;
        requiresPython = workspace.requires-python;
        python = null;
        pythonVersionText = null;
        lockFile = "ci-image's uv.lock";
      };
  pythonSet = pythonSetFor {
    inherit workspace;
    python = helperPython;
  };
  # The helper and its run-time dependencies (the project and deps.default: no groups).
  venv = pythonSet.mkVirtualEnv "ci-image-helper-env" workspace.deps.default;
in
{
  inherit project venv;
  python = helperPython;

  app = pkgs.writeShellApplication {
    name = "ci-image";
    runtimeInputs = [
      pkgs.skopeo
      pkgs.zstd
      pkgs.git
    ];
    text = ''
      exec ${venv}/bin/ci-image "$@"
    '';
    meta = {
      inherit (project) description;
      mainProgram = "ci-image";
    };
    # The helper's own venv (`nix eval .#ci-image.venv`).
    passthru = { inherit venv; };
  };
}
