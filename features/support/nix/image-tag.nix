# The CI image's tag for each system, and nothing else: evaluates only what the image
# needs, so a scenario can tell which files the image's evaluation reads.
#   root, ciImage: as for flake-outputs.nix.
{
  root,
  ciImage ? null,
}:
let
  outputs = import ./flake-outputs.nix { inherit root ciImage; };
in
builtins.mapAttrs (_: packages: packages.ciImage.imageTag) outputs.packages
