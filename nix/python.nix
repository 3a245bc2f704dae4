# The image's Python environment, from uv.lock through uv2nix (wheels preferred, build
# systems from pyproject-build-systems' wheel overlay): every dependency, optional
# dependency and dependency group of every local project, but NOT the local projects
# themselves, from a workspace holding only the image's inputs (nix/inputs.nix). A commit
# that changes only the source leaves it alone.
#
# The project's own code is found at run time instead: nix/checkout/install.py writes a
# .pth hook, the console scripts of [project.scripts] and the projects' .dist-info into
# the venv, all from the same inputs, and the hook puts the checkout's package roots on
# sys.path when an interpreter starts (nix/checkout/_ci_image_checkout.py).
{
  lib,
  # The uv2nix workspace of the image's inputs (inputs.workspace).
  workspace,
  pythonSetFor,
  project,
  inputs,
  python,
  name,
}:
let
  pythonSet = pythonSetFor { inherit workspace python; };

  # A dependency spec { name = [ extras ]; } of everything the local projects need (their
  # dependencies, extras and groups, as uv2nix puts them in passthru from uv.lock) that
  # leaves every local project out. mkVirtualEnv installs the spec's names and what they
  # depend on, and nothing from an index depends on a local project.
  locals = builtins.filter (localName: pythonSet ? ${localName}) project.localNames;
  needs =
    localName:
    let
      inherit (pythonSet.${localName}) passthru;
    in
    [ passthru.dependencies ]
    ++ builtins.attrValues passthru.optional-dependencies
    ++ builtins.attrValues passthru.dependency-groups;
  spec = removeAttrs (builtins.zipAttrsWith (_: extras: lib.unique (builtins.concatLists extras)) (
    builtins.concatMap needs locals
  )) project.localNames;

  # The two files of the hook, and nothing else of nix/checkout (no __pycache__).
  checkout = lib.fileset.toSource {
    root = ./checkout;
    fileset = lib.fileset.unions [
      ./checkout/install.py
      ./checkout/_ci_image_checkout.py
    ];
  };

  venv = (pythonSet.mkVirtualEnv "${name}-env" spec).overrideAttrs (old: {
    # The venv's interpreter runs the installer, once the venv is complete.
    postInstall = (old.postInstall or "") + ''
      "$out/bin/python" ${checkout}/install.py ${inputs.workspace}
    '';
  });
in
{
  inherit
    pythonSet
    spec
    venv
    ;
}
