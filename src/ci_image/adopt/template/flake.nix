{
  description = "This project's CI image, built from uv.lock by ci-image";

  inputs = {
    ci-image.url = "git+https://codeberg.org/ci-image/ci-image";
    # The revisions ci-image is tested with: one of each in flake.lock.
    nixpkgs.follows = "ci-image/nixpkgs";
    pyproject-nix.follows = "ci-image/pyproject-nix";
    uv2nix.follows = "ci-image/uv2nix";
    pyproject-build-systems.follows = "ci-image/pyproject-build-systems";
  };

  # packages.ciImage (the image; .imageTag is its tag), packages.venv, apps.ci-image,
  # devShells.default, checks, lib.imageInputs (the build workflow's `paths:`).
  outputs =
    inputs:
    inputs.ci-image.lib.mkFlake {
      inherit inputs;
      root = ./.;
      # Defaults: Python from .python-version, else requires-python and uv.lock's wheels;
      # the image's name from [tool.ci-image] image in pyproject.toml.
      # python = "3.12";
      # extraTools = pkgs: [ pkgs.postgresql pkgs.redis ];
      # extraEnv = { TZ = "UTC"; };
    };
}
