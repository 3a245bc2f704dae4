# The image's inputs, in one place: the repository files whose changes can change the image.
#   paths      the build workflow's `paths:` filter (the flake's lib.imageInputs)
#   workspace  what uv2nix reads for the image's venv: uv.lock and the pyproject.toml of the
#              root and of each local project, copied to the store with nothing else, so
#              the store path changes only when those files do
#   hashed     the files the image hashes into CI_IMAGE_INPUTS and CI_IMAGE_INPUT_FILES,
#              which `ci-image env-check` recomputes from a job's checkout
#              (src/ci_image/image/inputs.py hashes the files CI_IMAGE_INPUT_FILES names)
# Anything else (the source, tests, docs, workflows) cannot change the image: the venv
# holds the project's dependencies, never the project.
{
  lib,
  root,
  project,
  # Whether the Python version comes from .python-version (no `python` setting).
  readsPythonVersion,
}:
let
  # A local project of uv.lock may have no pyproject.toml (a path dependency with a
  # setup.py): uv2nix reads the ones there are.
  memberFiles = map (path: "${path}/pyproject.toml") project.memberPaths;

  pythonVersionFile = root + "/.python-version";
  hasPythonVersionFile = readsPythonVersion && builtins.pathExists pythonVersionFile;

  # Each local project's pyproject.toml and .python-version (when it is read) are named
  # also when they are absent: a pull request that adds one changes what uv2nix reads or
  # the interpreter, and env-check must see that as a difference.
  hashed = [
    "pyproject.toml"
    "uv.lock"
  ]
  ++ memberFiles
  ++ lib.optional readsPythonVersion ".python-version";

  # The sha256 of the `sha256sum`-style listing "<hex>  <file>\n" of each hashed file, in
  # this order; an absent file hashes as "missing" (src/ci_image/image/inputs.py MISSING).
  # The strings carry no store context: the image does not depend on the source tree
  # through them.
  fileHash =
    name:
    let
      path = root + "/${name}";
    in
    if builtins.pathExists path then builtins.hashFile "sha256" path else "missing";
  listing = lib.concatMapStrings (name: "${fileHash name}  ${name}\n") hashed;
in
{
  inherit hashed listing;

  paths = [
    "pyproject.toml"
    "uv.lock"
    "flake.nix"
    "flake.lock"
  ]
  # The flake's own Nix files, where it has them (this repository keeps its library there).
  ++ lib.optional (builtins.pathExists (root + "/nix")) "nix/**"
  ++ memberFiles
  # Read when no `python` setting is given; a new one changes the interpreter.
  ++ lib.optional readsPythonVersion ".python-version";

  workspace = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions (
      [
        (root + "/pyproject.toml")
        (root + "/uv.lock")
      ]
      ++ map (name: lib.fileset.maybeMissing (root + "/${name}")) memberFiles
    );
  };

  # The text of .python-version, or null.
  pythonVersionText = if hasPythonVersionFile then builtins.readFile pythonVersionFile else null;

  # CI_IMAGE_INPUTS: one value a job compares with its checkout.
  digest = builtins.hashString "sha256" listing;
  # CI_IMAGE_INPUT_FILES: "pyproject.toml=<hex> uv.lock=<hex> ...", to say which one differs.
  perFile = lib.concatMapStringsSep " " (name: "${name}=${fileHash name}") hashed;
}
