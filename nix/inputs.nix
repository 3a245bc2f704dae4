# The image's repository inputs, hashed by the same definition as src/ci_image/inputs.py:
# the sha256 of the `sha256sum`-style listing "<hex>  <file>\n" of each input file, in
# this order. Only builtins, so it evaluates with any Nix (and in the tests, with the
# real nix-instantiate). The strings carry no store context: the image does not depend
# on the whole source tree through them.
{ root }:
let
  files = [ "pyproject.toml" "uv.lock" ];
  fileHash = name: builtins.hashFile "sha256" (root + "/${name}");
  listing = builtins.concatStringsSep "" (map (name: "${fileHash name}  ${name}\n") files);
in
{
  inherit files listing;
  # CI_IMAGE_INPUTS: one value a job compares with its checkout.
  digest = builtins.hashString "sha256" listing;
  # CI_IMAGE_INPUT_FILES: "pyproject.toml=<hex> uv.lock=<hex>", to say which one differs.
  perFile = builtins.concatStringsSep " " (map (name: "${name}=${fileHash name}") files);
}
