# The project's metadata, read from pyproject.toml. The image name comes from the same
# [tool.ci-image] table the helper reads, so it is written once.
{ root }:
let
  pyproject = builtins.fromTOML (builtins.readFile (root + "/pyproject.toml"));
  project = pyproject.project;
  settings = pyproject.tool.ci-image or { };

  lower = builtins.replaceStrings (stringToChars "ABCDEFGHIJKLMNOPQRSTUVWXYZ") (
    stringToChars "abcdefghijklmnopqrstuvwxyz"
  );
  stringToChars = s: builtins.genList (i: builtins.substring i 1 s) (builtins.stringLength s);

  image =
    settings.image
      or (throw "pyproject.toml: [tool.ci-image] has no `image`; set image = \"REGISTRY/OWNER/IMAGE\"");
in
{
  inherit (project) name version;
  inherit image;

  # PEP 503 normalised: the attribute name uv2nix gives the project in the Python set.
  attrName = builtins.concatStringsSep "-" (
    builtins.filter (part: builtins.isString part && part != "") (
      builtins.split "[-_.]+" (lower project.name)
    )
  );

  description = project.description or "";
  # What a build backend needs to make the editable install: the metadata, the readme it
  # embeds, and each package's __init__.py (hatchling: tool.hatch.build.targets.wheel).
  editableFiles = [
    "pyproject.toml"
  ]
  ++ (if builtins.isString (project.readme or null) then [ project.readme ] else [ ])
  ++ map (package: "${package}/__init__.py") (
    pyproject.tool.hatch.build.targets.wheel.packages or [ ]
  );
  # PEP 639 string, or the older { text = ...; } table.
  license =
    if builtins.isString (project.license or null) then project.license else project.license.text or "";
  # A Forgejo registry image HOST/OWNER/NAME lives next to the repository HOST/OWNER/NAME.
  source = project.urls.Source or project.urls.Repository or "https://${image}";
}
