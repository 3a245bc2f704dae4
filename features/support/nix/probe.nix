# Evaluates a flake.nix's `outputs` with the stand-in inputs and describes the result as
# plain data, for `nix-instantiate --eval --strict --json`. The steps in
# features/steps/nix_steps.py and adopter_steps.py assert on it.
#   root     the flake's directory
#   ciImage  null: the flake is this repository's; else the directory of this repository,
#            and the flake at root is an adopter's, whose input `ci-image` is that one
{
  root,
  ciImage ? null,
}:
let
  inherit (builtins)
    attrNames
    attrValues
    concatMap
    getContext
    isAttrs
    isList
    isString
    mapAttrs
    readDir
    typeOf
    ;

  outputs = import ./flake-outputs.nix { inherit root ciImage; };

  isDerivation = value: isAttrs value && (value.type or null) == "derivation";

  # Every value of type path below `value`, not descending into derivations: a path in
  # an argument would be copied to the store, making the result depend on that file.
  pathsIn =
    value:
    if typeOf value == "path" then
      [ (toString value) ]
    else if isDerivation value then
      [ ]
    else if isAttrs value then
      concatMap pathsIn (attrValues value)
    else if isList value then
      concatMap pathsIn value
    else
      [ ];

  # Every store path a string below `value` carries as context (what it depends on).
  contextIn =
    value:
    if isString value then
      attrNames (getContext value)
    else if isDerivation value then
      [ ]
    else if isAttrs value then
      concatMap contextIn (attrValues value)
    else if isList value then
      concatMap contextIn value
    else
      [ ];

  # Every regular file below a directory, as paths relative to it.
  filesIn =
    directory:
    let
      walk =
        prefix:
        concatMap (
          name:
          let
            type = (readDir (directory + "/${prefix}")).${name};
          in
          if type == "directory" then walk "${prefix}${name}/" else [ "${prefix}${name}" ]
        ) (attrNames (readDir (directory + "/${prefix}")));
    in
    walk "";

  # (No `outPath` key in these descriptions: toJSON would print only that.)
  describeVenv = venv: describeHelperVenv venv // {
    # What uv2nix could read in that workspace.
    workspaceFiles = filesIn venv.standIn.workspace;
  };
  # The helper's workspace is this repository's whole source: not listed.
  describeHelperVenv = venv: {
    inherit (venv) name;
    storePath = venv.outPath;
    inherit (venv.standIn) packages buildSystems spec workspace;
    python = {
      inherit (venv.standIn.python) name version pythonVersion;
    };
    postInstall = venv.standIn.postInstall or null;
    # Where each member was built from: local projects carry their source.
    sources = concatMap (
      member: if member.standIn ? src then [ member.standIn.src ] else [ ]
    ) venv.standIn.members;
  };

  describeSystem =
    system:
    let
      packages = outputs.packages.${system};
      image = packages.ciImage;
      arguments = image.standIn.layeredImage;
      shell = outputs.devShells.${system}.default;
      shellArguments = shell.standIn.mkShell;
      application = packages.ci-image.standIn.writeShellApplication;
    in
    {
      packages = attrNames packages;
      defaultIsImage = packages.default.outPath == image.outPath;
      image = {
        inherit (image) imageTag imageName;
        storePath = image.outPath;
        arguments = arguments // {
          contents = map (drv: drv.name) arguments.contents;
        };
        contentPaths = map (drv: drv.outPath) arguments.contents;
        pathValues = pathsIn arguments;
        context = contextIn arguments;
      };
      venv = describeVenv packages.venv;
      shell = {
        inherit (shell) name;
        packages = map (drv: drv.name) shellArguments.packages;
        packageOutPaths = map (drv: drv.outPath) shellArguments.packages;
        inherit (shellArguments) env shellHook;
      };
      app = {
        inherit (application) name text meta;
        storePath = packages.ci-image.outPath;
        runtimeInputs = map (drv: drv.name) application.runtimeInputs;
        venv = describeHelperVenv packages.ci-image.venv;
      };
      apps = outputs.apps.${system};
      checks = mapAttrs (_: check: check.standIn) outputs.checks.${system};
      formatter = outputs.formatter.${system}.name;
      devShells = attrNames outputs.devShells.${system};
    };
in
{
  systems = {
    packages = attrNames outputs.packages;
    apps = attrNames outputs.apps;
    devShells = attrNames outputs.devShells;
    checks = attrNames outputs.checks;
    formatter = attrNames outputs.formatter;
  };
  outputs = attrNames outputs;
  libraryFunctions = attrNames outputs.lib;
  imageInputs = outputs.lib.imageInputs;
  templates = mapAttrs (_: template: {
    path = toString template.path;
    inherit (template) description welcomeText;
  }) (outputs.templates or { });
  perSystem = mapAttrs (system: _: describeSystem system) outputs.packages;
}
