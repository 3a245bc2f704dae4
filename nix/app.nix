# The helper as an application, for `nix run .#ci-image -- release ...` in the build
# workflow: nixpkgs' skopeo (which reads gzip docker-archives) and git come first on
# PATH; nix itself is the one already running.
{
  pkgs,
  project,
  venv,
}:
pkgs.writeShellApplication {
  name = "ci-image";
  runtimeInputs = [
    pkgs.skopeo
    pkgs.git
  ];
  text = ''
    exec ${venv}/bin/ci-image "$@"
  '';
  meta = {
    inherit (project) description;
    mainProgram = "ci-image";
  };
}
