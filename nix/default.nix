# Everything the flake exposes for one system. Each file is a function of what it needs,
# so the flake calls it with the real nixpkgs and the tests with stand-ins.
{
  pkgs,
  lib,
  pyproject-nix,
  uv2nix,
  pyproject-build-systems,
  root,
}:
let
  project = import ./project.nix { inherit root; };

  environments = import ./python.nix {
    inherit
      pkgs
      lib
      pyproject-nix
      uv2nix
      pyproject-build-systems
      root
      project
      ;
  };
  inherit (environments) python venv;

  toolsWith = venv: import ./tools.nix { inherit pkgs python venv; };

  image = import ./image.nix {
    inherit
      pkgs
      lib
      project
      python
      ;
    tools = toolsWith venv;
    # Hashes of pyproject.toml and uv.lock only: plain strings, no dependency on the source.
    inputs = import ./inputs.nix { inherit root; };
  };

  app = import ./app.nix {
    inherit pkgs project;
    venv = environments.appVenv;
  };
in
{
  inherit
    project
    python
    venv
    image
    app
    ;
  inherit (environments) appVenv devVenv;

  devShell = import ./shell.nix {
    inherit pkgs python;
    tools = toolsWith environments.devVenv;
  };

  checks = import ./checks.nix { inherit pkgs image venv app; };
}
