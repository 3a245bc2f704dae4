# The CI image's tag for each system, and nothing else: evaluates only what the image
# needs, so a scenario can tell which files the image's evaluation reads.
{ root }:
let
  standins = import ./standins.nix;
  flake = import (root + "/flake.nix");
  outputs = flake.outputs (standins.inputs // { self = outputs // { outPath = toString root; }; });
in
builtins.mapAttrs (_: packages: packages.ciImage.imageTag) outputs.packages
