# A Python set from a uv2nix workspace, as uv2nix's documentation builds one: the lock's
# packages as wheels where there are some, build systems from pyproject-build-systems'
# wheel overlay (its default overlay is the sdist one).
{
  lib,
  pkgs,
  pyproject-nix,
  pyproject-build-systems,
}:
{ workspace, python }:
(pkgs.callPackage pyproject-nix.build.packages { inherit python; }).overrideScope (
  lib.composeManyExtensions [
    pyproject-build-systems.overlays.wheel
    (workspace.mkPyprojectOverlay { sourcePreference = "wheel"; })
  ]
)
