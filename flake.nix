{
  description = "ci-image: a bit-reproducible CI image built from uv.lock, and the helper that publishes it";

  # One nixpkgs and one pyproject.nix for everything: the other inputs follow them.
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

    pyproject-nix = {
      url = "github:pyproject-nix/pyproject.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    uv2nix = {
      url = "github:pyproject-nix/uv2nix";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    pyproject-build-systems = {
      url = "github:pyproject-nix/build-system-pkgs";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.uv2nix.follows = "uv2nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      nixpkgs,
      pyproject-nix,
      uv2nix,
      pyproject-build-systems,
      ...
    }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forSystems =
        f:
        builtins.listToAttrs (
          map (system: {
            name = system;
            value = f system;
          }) systems
        );

      # Everything for one system; nix/default.nix says how the pieces fit together.
      perSystem = forSystems (
        system:
        import ./nix {
          pkgs = nixpkgs.legacyPackages.${system};
          inherit (nixpkgs) lib;
          inherit pyproject-nix uv2nix pyproject-build-systems;
          root = ./.;
        }
      );

      app = system: {
        type = "app";
        program = "${perSystem.${system}.app}/bin/ci-image";
        meta.description = "Push the CI image and pin it by digest in the Forgejo workflows";
      };
    in
    {
      packages = forSystems (system: {
        ciImage = perSystem.${system}.image;
        default = perSystem.${system}.image;
        venv = perSystem.${system}.venv;
        ci-image = perSystem.${system}.app;
      });

      apps = forSystems (system: {
        ci-image = app system;
        default = app system;
      });

      devShells = forSystems (system: {
        default = perSystem.${system}.devShell;
      });

      checks = forSystems (system: perSystem.${system}.checks);

      formatter = forSystems (system: nixpkgs.legacyPackages.${system}.nixfmt);

      # The repository paths the image is built from (the build workflow's `paths:` filter).
      lib.imageInputs = (import ./nix/image-inputs.nix).paths;
    };
}
