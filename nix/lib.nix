# The library, the flake's `lib`: what an adopting project's flake.nix calls.
#   mkFlake { root, inputs ? { }, systems ? [ x86_64-linux aarch64-linux ], python ? null,
#             extraTools ? [ ], extraEnv ? { } }
#     a whole flake's outputs: packages.{ciImage,default,venv,ci-image}, apps.{ci-image,
#     default}, devShells.default, checks, formatter, lib.imageInputs. extraTools and
#     extraEnv may be functions of the system's pkgs (`pkgs: [ pkgs.postgresql ]`).
#   mkCiImage { pkgs, root, python ? null, extraTools ? [ ], extraEnv ? { }, ... }
#     one system's { image, venv, devShell, app, checks, python, inputs, ... } (nix/ci-image.nix).
#   imageInputsOf { root, python ? null }
#     the paths the image is built from, for the build workflow's `paths:` filter.
# Called with this flake's inputs, which are the defaults of every input the library uses;
# an adopter's `inputs` (from the template: nixpkgs, pyproject-nix, uv2nix,
# pyproject-build-systems, all following this flake's) take precedence.
flakeInputs:
let
  # This flake's source, from which the helper is built.
  helperRoot = ../.;

  mkCiImage =
    {
      pkgs,
      root,
      python ? null,
      extraTools ? [ ],
      extraEnv ? { },
      pyproject-nix ? flakeInputs.pyproject-nix,
      uv2nix ? flakeInputs.uv2nix,
      pyproject-build-systems ? flakeInputs.pyproject-build-systems,
    }:
    import ./ci-image.nix {
      inherit
        pkgs
        root
        python
        extraTools
        extraEnv
        pyproject-nix
        uv2nix
        pyproject-build-systems
        helperRoot
        ;
    };

  imageInputsOf =
    {
      root,
      python ? null,
      lib ? flakeInputs.nixpkgs.lib,
      pyproject-nix ? flakeInputs.pyproject-nix,
    }:
    (import ./inputs.nix {
      inherit lib root;
      project = import ./project.nix { inherit lib pyproject-nix root; };
      readsPythonVersion = python == null;
    }).paths;

  mkFlake =
    {
      root,
      inputs ? { },
      systems ? [
        "x86_64-linux"
        "aarch64-linux"
      ],
      python ? null,
      extraTools ? [ ],
      extraEnv ? { },
    }:
    let
      chosen = name: inputs.${name} or flakeInputs.${name};
      nixpkgs = chosen "nixpkgs";
      inherit (nixpkgs) lib;
      perSystem = lib.genAttrs systems (
        system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          forPkgs = setting: if lib.isFunction setting then setting pkgs else setting;
        in
        mkCiImage {
          inherit pkgs root python;
          extraTools = forPkgs extraTools;
          extraEnv = forPkgs extraEnv;
          pyproject-nix = chosen "pyproject-nix";
          uv2nix = chosen "uv2nix";
          pyproject-build-systems = chosen "pyproject-build-systems";
        }
      );
      each = f: builtins.mapAttrs (_: f) perSystem;
    in
    {
      packages = each (ci: {
        ciImage = ci.image;
        default = ci.image;
        inherit (ci) venv;
        ci-image = ci.app;
      });

      apps = each (ci: rec {
        ci-image = {
          type = "app";
          program = "${ci.app}/bin/ci-image";
          meta.description = "Push the CI image and pin it by digest in the Forgejo workflows";
        };
        default = ci-image;
      });

      devShells = each (ci: {
        default = ci.devShell;
      });

      checks = each (ci: ci.checks);

      formatter = lib.genAttrs systems (system: nixpkgs.legacyPackages.${system}.nixfmt);

      # The repository paths the image is built from: the build workflow's `paths:` filter.
      lib.imageInputs = imageInputsOf {
        inherit root python lib;
        pyproject-nix = chosen "pyproject-nix";
      };
    };
in
{
  inherit mkFlake mkCiImage imageInputsOf;
}
