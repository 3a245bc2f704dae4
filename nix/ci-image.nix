# One system's CI image for one project, and what goes with it: the image's venv, the dev
# shell, the helper application and the checks. `lib.mkCiImage` (nix/lib.nix) is this
# function; each file below is a function of what it needs.
{
  pkgs,
  # The adopting project's root (a path: `./.` in its flake.nix).
  root,
  # "3.12", an interpreter from pkgs, or null: from .python-version, requires-python and
  # the wheels of uv.lock (nix/interpreter.nix).
  python ? null,
  # More nixpkgs packages for the image's PATH and the dev shell (postgresql, ...).
  extraTools ? [ ],
  # More variables for the image and the dev shell.
  extraEnv ? { },
  pyproject-nix,
  uv2nix,
  pyproject-build-systems,
  # This flake's source: the helper is built from it.
  helperRoot,
}:
let
  inherit (pkgs) lib;

  project = import ./project.nix { inherit lib pyproject-nix root; };

  inputs = import ./inputs.nix {
    inherit lib root project;
    readsPythonVersion = python == null;
  };

  pythonSetFor = import ./python-set.nix {
    inherit
      lib
      pkgs
      pyproject-nix
      pyproject-build-systems
      ;
  };

  workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = inputs.workspace; };

  interpreter = import ./interpreter.nix {
    inherit lib pkgs pyproject-nix;
    inherit (project) lock;
    inherit (inputs) pythonVersionText;
    inherit python;
    requiresPython = workspace.requires-python;
    lockFile = "${toString root}/uv.lock";
  };

  environments = import ./python.nix {
    inherit
      lib
      workspace
      pythonSetFor
      project
      inputs
      ;
    python = interpreter;
    name = project.name;
  };
  inherit (environments) venv;

  helper = import ./helper.nix {
    inherit
      lib
      pkgs
      pyproject-nix
      uv2nix
      pythonSetFor
      helperRoot
      ;
    python = interpreter;
  };

  # The project is the helper itself (this repository): its own console script, run from
  # the checkout by the venv's hook, is the image's `ci-image`. The helper built from the
  # source would move the image's tag with every commit to src/.
  isHelper = project.attrName != null && project.attrName == helper.project.attrName;

  tools = import ./tools.nix {
    inherit pkgs venv extraTools;
    python = interpreter;
    helper = if isHelper then null else helper.app;
  };

  environment = import ./environment.nix {
    inherit
      lib
      pkgs
      venv
      tools
      inputs
      extraEnv
      ;
    python = interpreter;
  };

  image = import ./image.nix {
    inherit pkgs project tools;
    environment = environment.image;
  };
in
{
  inherit
    project
    inputs
    venv
    image
    tools
    ;
  inherit (environments) spec pythonSet;
  python = interpreter;
  app = helper.app;
  helperVenv = helper.venv;

  devShell = import ./shell.nix {
    inherit pkgs tools;
    inherit (project) name;
    environment = environment.shell;
  };

  checks = import ./checks.nix {
    inherit lib pkgs image venv;
    inherit (environments) spec;
    app = helper.app;
  };
}
