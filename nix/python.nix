# The Python environments, from uv.lock through uv2nix (wheels preferred, build systems
# from pyproject-build-systems' wheel overlay):
#   venv     the image's: every dependency, optional dependency and dependency group of
#            the project, but NOT the project itself, from a workspace holding only
#            pyproject.toml and uv.lock. A commit that changes only src/ leaves it alone.
#   appVenv  the helper as an application: the project and its runtime dependencies.
#   devVenv  `nix develop`'s: the project installed editable, plus every group.
{
  pkgs,
  lib,
  pyproject-nix,
  uv2nix,
  pyproject-build-systems,
  root,
  project,
}:
let
  # uv.lock requires Python >= 3.11 and holds cp313 manylinux wheels (or abi3/py3 ones) of
  # every compiled package for x86_64 and aarch64. Pinned rather than `python3`, so a
  # nixpkgs update that moves the default interpreter is a visible change here.
  python = pkgs.python313;

  pythonSetFor =
    workspace:
    (pkgs.callPackage pyproject-nix.build.packages { inherit python; }).overrideScope (
      lib.composeManyExtensions [
        pyproject-build-systems.overlays.wheel
        (workspace.mkPyprojectOverlay { sourcePreference = "wheel"; })
      ]
    );

  imageWorkspace = uv2nix.lib.workspace.loadWorkspace {
    workspaceRoot = (import ./image-inputs.nix).workspace root;
  };
  sourceWorkspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = root; };

  imageSet = pythonSetFor imageWorkspace;
  sourceSet = pythonSetFor sourceWorkspace;

  unique = builtins.foldl' (seen: x: if builtins.elem x seen then seen else seen ++ [ x ]) [ ];

  # A dependency spec { name = [ extras ]; } of everything `package` needs (its
  # dependencies, extras and groups, as uv2nix puts them in passthru from uv.lock) that
  # leaves `package` itself out. mkVirtualEnv installs the spec's names and what they
  # depend on, and nothing in uv.lock depends on the project.
  dependenciesOf =
    package:
    let
      inherit (package) passthru;
    in
    builtins.zipAttrsWith (_: extras: unique (builtins.concatLists extras)) (
      [ passthru.dependencies ]
      ++ builtins.attrValues passthru.optional-dependencies
      ++ builtins.attrValues passthru.dependency-groups
    );
in
{
  inherit python;

  venv = imageSet.mkVirtualEnv "ci-image-env" (dependenciesOf imageSet.${project.attrName});

  appVenv = sourceSet.mkVirtualEnv "ci-image-app-env" sourceWorkspace.deps.default;

  # The editable root is read at run time from $REPO_ROOT (set by the dev shell's hook).
  # The editable package is built from its metadata files only (uv2nix's "Source
  # filtering" pattern), so a change to the code under src/ rebuilds nothing.
  devVenv =
    (sourceSet.overrideScope (
      lib.composeManyExtensions [
        (sourceWorkspace.mkEditablePyprojectOverlay { root = "$REPO_ROOT"; })
        (final: prev: {
          ${project.attrName} = prev.${project.attrName}.overrideAttrs (old: {
            src = import ./source.nix {
              inherit root;
              name = "${project.attrName}-editable";
              files = project.editableFiles;
            };
          });
        })
      ]
    )).mkVirtualEnv
      "ci-image-dev-env"
      sourceWorkspace.deps.all;
}
