# pyproject-nix/uv2nix @ 49dac8d206c42175b069b7c6050ba27060a21106 (locked):
#   lib/workspace.nix loadWorkspace { workspaceRoot, config, uvLock, pyproject }:
#     requires-python (pep440.parseVersionConds of uv.lock's), mkPyprojectOverlay
#     { sourcePreference, environ, dependencies, pythonVersion } whose sourcePreference has
#     no usable default, mkEditablePyprojectOverlay { root, members } which refuses a store
#     path as root, deps.{default,optionals,groups,all} over the local packages that are not
#     `directory` sources (default: each project's tool.uv.default-groups);
#   lib/lock1.nix: isLocalPackage (editable, directory or virtual source), getLocalProjects
#     (each local project's pyproject.toml, read from its directory in the workspace root,
#     if it has one);
#   lib/build.nix: passthru.dependencies / optional-dependencies / dependency-groups from
#     uv.lock; a local project's derivation has its project root as src; the arguments of
#     the local and remote builders, which `override` accepts.
{
  lib,
  common,
  pyproject-nix,
}:
let
  inherit (builtins)
    attrNames
    filter
    listToAttrs
    mapAttrs
    pathExists
    ;
  inherit (common) checked mkDrv;

  loadWorkspace = checked "uv2nix.lib.workspace.loadWorkspace" {
    allowed = [
      "workspaceRoot"
      "config"
      "uvLock"
      "pyproject"
    ];
    required = [ "workspaceRoot" ];
  } (
    { workspaceRoot, ... }:
    let
      lock = lib.importTOML (workspaceRoot + "/uv.lock");
      isLocal =
        package: package.source ? editable || package.source ? directory || package.source ? virtual;
      localPackages = filter isLocal lock.package;
      localPath =
        package: package.source.editable or package.source.virtual or package.source.directory;
      projectRoot =
        package:
        if localPath package == "." then workspaceRoot else workspaceRoot + "/${localPath package}";
      # lib/lock1.nix getLocalProjects: the pyproject.toml in the project's root, if any.
      pyprojectOf =
        package:
        let
          file = projectRoot package + "/pyproject.toml";
        in
        if pathExists file then lib.importTOML file else { };
      mkSpec =
        dependencies:
        listToAttrs (
          map (dependency: {
            inherit (dependency) name;
            value = dependency.extra or [ ];
          }) dependencies
        );
      passthruOf = package: {
        dependencies = mkSpec (package.dependencies or [ ]);
        optional-dependencies = mapAttrs (_: mkSpec) (package.optional-dependencies or { });
        dependency-groups = mapAttrs (_: mkSpec) (package.dev-dependencies or { });
      };
      # lib/build.nix: a local project's derivation is built from its source tree, so its
      # path is that of the project's root as copied to the store.
      packageFor =
        sourcePreference: package:
        if isLocal package then
          makePackage package {
            local = package.name;
            src = "${projectRoot package}";
          }
        else
          makePackage package {
            remote = package.name;
            inherit (package) version;
            inherit sourcePreference;
          };
      # `override` takes what lib/build.nix's callPackage'd functions take (local and remote
      # builders differ); `overrideAttrs` is stdenv.mkDerivation's. Both change the record.
      makePackage =
        package: record:
        mkDrv "${package.name}-${package.version}" record
        // {
          pname = package.name;
          inherit (package) version;
          passthru = passthruOf package;
          override = checked "${package.name}.override" {
            allowed =
              if isLocal package then
                [
                  "stdenv"
                  "pyprojectHook"
                  "pyprojectEditableHook"
                  "resolveBuildSystem"
                  "editableRoot"
                  "darwinMinVersionHook"
                ]
              else
                [
                  "stdenv"
                  "python"
                  "fetchurl"
                  "autoPatchelfHook"
                  "pythonManylinuxPackages"
                  "unzip"
                  "pyprojectHook"
                  "pyprojectWheelHook"
                  "resolveBuildSystem"
                  "sourcePreference"
                  "darwinMinVersionHook"
                ];
          } (arguments: makePackage package (record // arguments));
          overrideAttrs = f: makePackage package (record // f record);
        };
      workspacePackages = listToAttrs (
        map (package: {
          inherit (package) name;
          value = package;
        }) (filter (package: !(package.source ? directory)) localPackages)
      );
      groupsOf = package: attrNames (package.dev-dependencies or { });
      extrasOf = package: attrNames (package.optional-dependencies or { });
    in
    {
      config = { };
      requires-python = pyproject-nix.lib.pep440.parseVersionConds (lock.requires-python or "");

      mkPyprojectOverlay = checked "workspace.mkPyprojectOverlay" {
        allowed = [
          "sourcePreference"
          "environ"
          "dependencies"
          "pythonVersion"
        ];
      } (
        args:
        if !(args ? sourcePreference) then
          throw "No sourcePreference was passed, and could not be automatically inferred from workspace config"
        else
          final: prev:
          {
            # Which workspace's uv.lock the set was made from, as a derivation would see
            # it: in the store (a flake's source is there already; a path is copied).
            standInWorkspace = "${workspaceRoot}";
          }
          // listToAttrs (
            map (package: {
              inherit (package) name;
              value = packageFor args.sourcePreference package;
            }) lock.package
          )
      );

      mkEditablePyprojectOverlay =
        checked "workspace.mkEditablePyprojectOverlay"
          {
            allowed = [
              "root"
              "members"
            ];
          }
          (
            args:
            let
              root = args.root or (toString workspaceRoot);
              members =
                args.members or (map (package: package.name) (
                  filter (package: !(package.source ? virtual)) localPackages
                ));
            in
            if lib.hasPrefix builtins.storeDir root then
              throw "Editable root was passed as a Nix store path."
            else
              final: prev:
              listToAttrs (
                map (name: {
                  inherit name;
                  value = prev.${name}.override { editableRoot = root; };
                }) (filter (name: prev ? ${name}) members)
              )
          );

      deps = {
        default = mapAttrs (_: package: (pyprojectOf package).tool.uv.default-groups or [ ]) workspacePackages;
        optionals = mapAttrs (_: extrasOf) workspacePackages;
        groups = mapAttrs (_: groupsOf) workspacePackages;
        all = mapAttrs (_: package: lib.unique (extrasOf package ++ groupsOf package)) workspacePackages;
      };
    }
  );
in
{
  lib.workspace = { inherit loadWorkspace; };
}
