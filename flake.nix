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
    inputs:
    let
      # The library adopters use (nix/lib.nix); this repository is one of them.
      library = import ./nix/lib.nix inputs;
      own = library.mkFlake {
        root = ./.;
        # What the helper needs beside it (the app has them too: skopeo, zstd), and what the
        # test suite drives for real, so `nox -s tests` runs unchanged in the image: Nix for
        # evaluation, distribution's `registry` server, openssl for its certificates,
        # util-linux's setpriv to run the CLI as an unprivileged user; and actionlint for
        # `nox -s lint`.
        extraTools = pkgs: [
          pkgs.skopeo
          pkgs.zstd
          pkgs.actionlint
          pkgs.nix
          pkgs.distribution
          pkgs.openssl
          pkgs.util-linux
        ];
      };
    in
    own
    // {
      lib = library // own.lib;

      # `nix flake init -t <this flake>`: an adopting project's flake.nix. `ci-image init`
      # writes the same file (it ships in the Python package).
      templates.default = {
        path = ./src/ci_image/adopt/template;
        description = "A uv project's CI image, dev shell and helper, built by ci-image from uv.lock";
        welcomeText = ''
          # ci-image

          flake.nix now builds this project's CI image from uv.lock. Next:

          - set `image = "REGISTRY/OWNER/IMAGE"` under `[tool.ci-image]` in pyproject.toml;
          - `git add flake.nix` (a flake sees only the files git tracks), then `nix flake lock`;
          - `nix build .#ciImage` builds the image, `nix develop` enters its environment.
        '';
      };
    };
}
