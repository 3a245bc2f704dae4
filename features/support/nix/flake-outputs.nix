# A flake.nix's `outputs`, evaluated with the stand-in inputs, as Nix would call it.
#   root     the flake's directory
#   ciImage  null: the flake is this repository's; else the directory of this repository,
#            and the flake at root is an adopter's, whose input `ci-image` is that one
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
in
if ciImage == null then
  evaluate root { }
else
  # As Nix gives a flake input: its source copied to the store, named "source".
  evaluate root {
    ci-image = evaluate (builtins.path {
      name = "source";
      path = ciImage;
    }) { };
  }
