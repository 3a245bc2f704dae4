# The adopting project, as its pyproject.toml and uv.lock describe it. The image name comes
# from the [tool.ci-image] table the helper reads, so it is written once.
{
  lib,
  pyproject-nix,
  root,
}:
let
  pyproject = lib.importTOML (root + "/pyproject.toml");
  lock = lib.importTOML (root + "/uv.lock");
  project = pyproject.project or { };
  settings = pyproject.tool.ci-image or { };

  image =
    settings.image
      or (throw "${toString root}/pyproject.toml: [tool.ci-image] has no `image`; set image = \"REGISTRY/OWNER/IMAGE\"");

  # uv.lock's local packages: the workspace's members and the project's path dependencies
  # (uv2nix lib/lock1.nix isLocalPackage: an editable, virtual or directory source).
  localPackages = builtins.filter (
    package: package.source ? editable || package.source ? virtual || package.source ? directory
  ) (lock.package or [ ]);
  localPath =
    package: package.source.editable or package.source.virtual or package.source.directory;

  # Their directories inside the root, but the root itself, as relative paths: their
  # pyproject.toml files are inputs of the image (uv2nix reads them). A path dependency
  # outside the root is not: the flake cannot see it.
  clean =
    path: lib.concatStringsSep "/" (builtins.filter (part: part != "." && part != "") (lib.splitString "/" path));
  inside = path: !(lib.hasPrefix "/" path) && !(builtins.elem ".." (lib.splitString "/" path));
  memberPaths = lib.unique (
    builtins.sort builtins.lessThan (
      builtins.filter (path: path != "") (
        map clean (builtins.filter inside (map localPath localPackages))
      )
    )
  );
  # CI_IMAGE_INPUT_FILES is "NAME=HEX NAME=HEX": a name cannot hold a blank or "=".
  checkedPath =
    path:
    if builtins.match "[^[:space:]=]+" path == null then
      throw "${toString root}/uv.lock: the local project at \"${path}\" has a blank or `=` in its path; rename its directory"
    else
      path;
in
{
  inherit image lock;
  name = project.name or (baseNameOf image);
  description = project.description or "";
  # PEP 639 string, or the older { text = ...; } table.
  license =
    if builtins.isString (project.license or null) then project.license else project.license.text or "";
  # A Forgejo registry image HOST/OWNER/NAME lives next to the repository HOST/OWNER/NAME.
  source = project.urls.Source or project.urls.Repository or "https://${image}";

  # The lock's names of the local packages (PEP 503-normalised, as uv writes them).
  localNames = map (package: package.name) localPackages;
  memberPaths = map checkedPath memberPaths;

  # The name uv2nix gives the root project in the Python set, if the root is a project.
  attrName = if project ? name then pyproject-nix.lib.pypa.normalizePackageName project.name else null;
}
