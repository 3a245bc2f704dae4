# The CI image's tag for each system, and nothing else: evaluates only what the image
# needs, so a scenario can tell which files the image's evaluation reads.
#   root, ciImage: as for probe.nix.
{
  root,
  ciImage ? null,
}:
let
  standins = import ./standins.nix;
  evaluate =
    directory: extraInputs:
    let
      outputs = (import (directory + "/flake.nix")).outputs (
        standins.inputs // extraInputs // { self = outputs // { outPath = toString directory; }; }
      );
    in
    outputs;
  outputs =
    if ciImage == null then
      evaluate root { }
    else
      # As Nix gives a flake input: its source copied to the store, named "source".
      evaluate root {
        ci-image = evaluate (builtins.path {
          name = "source";
          path = ciImage;
        }) { };
      };
in
builtins.mapAttrs (_: packages: packages.ciImage.imageTag) outputs.packages
