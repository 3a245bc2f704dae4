# Stand-ins for the flake's inputs, for evaluating our Nix with the real nix-instantiate
# where nixpkgs cannot be evaluated (Nix 2.8, no network). They are small, but strict:
# a function refuses any argument the real one does not take, and a package set or
# library has only attributes the real one has, so a misspelt name fails here as it would
# for real. Each file says where what it stands in for was read:
#   standins/lib.nix            nixpkgs lib (fileset, genAttrs, unique, toLower, ...)
#   standins/pkgs.nix           nixpkgs' packages of one system (dockerTools, mkShell, the
#                               Python interpreters, the tools, what adopters add)
#   standins/pyproject-nix.nix  pyproject.nix: lib (pypa, pep440, util) and build.packages
#   standins/uv2nix.nix         uv2nix: lib.workspace.loadWorkspace
#   build-system-pkgs @ 90ffdeee1a4929b231913df067448cd9803d3e07 (locked): default.nix
#     (overlays.sdist, overlays.wheel, overlays.default = sdist); below.
let
  common = import ./standins/common.nix;
  lib = import ./standins/lib.nix;
  pyproject-nix = import ./standins/pyproject-nix.nix { inherit lib common; };
  uv2nix = import ./standins/uv2nix.nix { inherit lib common pyproject-nix; };
  systemOf = system: import ./standins/pkgs.nix { inherit lib common system; };
  pkgsFor = system: (systemOf system).pkgs;

  buildSystemsOverlay = flavour: final: prev: {
    standInBuildSystems = flavour;
    hatchling = common.mkDrv "hatchling" {
      buildSystem = "hatchling";
      inherit flavour;
    };
  };

  systems = [
    "x86_64-linux"
    "aarch64-linux"
    "x86_64-darwin"
    "aarch64-darwin"
  ];
in
{
  inherit lib pkgsFor;
  inherit (common) checked;

  # Which sonames each library directory of a system's stand-ins provides (the manylinux
  # map, and zlib's libz.so.1), for the tests' assertions: { "<store path>/lib" = [ ... ]; }.
  sonamesFor =
    system:
    let
      libraries = systemOf system;
      providers = builtins.mapAttrs (_: lib.getLib) (
        libraries.manylinux2014Libs // { "libz.so.1" = libraries.zlib; }
      );
      directoryOf = name: "${providers.${name}}/lib";
      directories = lib.unique (map directoryOf (builtins.attrNames providers));
    in
    builtins.listToAttrs (
      map (directory: {
        name = directory;
        value = builtins.filter (name: directoryOf name == directory) (builtins.attrNames providers);
      }) directories
    );

  # The flake's inputs, as `outputs` receives them.
  inputs = {
    nixpkgs = {
      inherit lib;
      legacyPackages = lib.genAttrs systems pkgsFor;
    };
    inherit pyproject-nix uv2nix;
    pyproject-build-systems = rec {
      overlays = {
        sdist = buildSystemsOverlay "sdist";
        wheel = buildSystemsOverlay "wheel";
        default = overlays.sdist;
      };
    };
  };
}
