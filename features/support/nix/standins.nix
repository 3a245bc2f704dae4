# Stand-ins for the flake's inputs, for evaluating our Nix with the real nix-instantiate
# where nixpkgs cannot be evaluated (Nix 2.8, no network). They are small, but strict:
# a function refuses any argument the real one does not take, and a package set has
# only attributes the real one has, so a misspelt name fails here as it would for real.
#
# Where each argument list and attribute comes from (read, not copied):
#   NixOS/nixpkgs doc/build-helpers/images/dockertools.section.md
#     @ 0148e16d1446003704803ecabb5a00cfea7d8568: streamLayeredImage's inputs (the ones
#     buildLayeredImage takes too), passthru.imageTag, the binSh, usrBinEnv,
#     caCertificates (/etc/ssl/certs/ca-bundle.crt) and fakeNss helpers.
#   NixOS/nixpkgs pkgs/build-support/docker/default.nix
#     @ 34b7a306c35b279929eebbdb43af071fd92d0d4b: buildLayeredImage = runCommand
#     "${baseNameOf name}.tar.gz" over streamLayeredImage, imageName = toLower name,
#     imageTag = the hash part of the conf derivation's path when tag == null.
#   NixOS/nixpkgs pkgs/by-name/fa/fakeNss/package.nix @ 0a2c8a5824f4d11518168b74002249c6ecec21d5
#   NixOS/nixpkgs pkgs/build-support/mkshell/default.nix
#     @ 07c91341fd6e5f2ca8d0a6d62e6d0e1ecc94283d: mkShell's named arguments; the rest go to
#     stdenv.mkDerivation, of which only `env` is accepted here (uv2nix's templates use it).
#   NixOS/nixpkgs pkgs/build-support/trivial-builders/default.nix
#     @ 00ee9b64aafebe333c3e33ffb093734092158728: writeShellApplication, runCommand.
#   NixOS/nixpkgs lib/fixed-points.nix (composeManyExtensions), lib/strings.nix
#     (makeBinPath), lib/attrsets.nix (getOutput): the versions found by find_string,
#     2024-2026 text, identical in substance.
#   NixOS/nixpkgs pkgs/by-name/{ac/actionlint,uv/uv,sk/skopeo,ni/nixfmt}/package.nix: the
#     attribute names exist (nixfmt is the RFC-style formatter at 281ffa98).
#   NixOS/nixpkgs pkgs/by-name/di/distribution/package.nix @ 0316fab8 (mainProgram
#     "registry"); nix, openssl and util-linux are top-level attributes of all-packages.nix.
#   pyproject-nix/pyproject.nix @ 7af23cfe91064865ecf2e835da28b45b3c6f49fd (locked):
#     build/packages.nix ({ python, newScope, buildPackages, stdenv, pkgs }, mkVirtualEnv
#     name spec, overrideScope), build/lib/resolvers.nix (resolveCyclic).
#   pyproject-nix/uv2nix @ 49dac8d206c42175b069b7c6050ba27060a21106 (locked):
#     lib/workspace.nix (loadWorkspace { workspaceRoot, config, uvLock, pyproject },
#     mkPyprojectOverlay { sourcePreference, environ, dependencies, pythonVersion } whose
#     sourcePreference has no usable default, mkEditablePyprojectOverlay { root, members }
#     which refuses a store path as root, deps.{default,optionals,groups,all}),
#     lib/build.nix (passthru.dependencies / optional-dependencies / dependency-groups
#     from uv.lock; a local project's derivation has the project root as src; the
#     arguments of the local and remote builders, which `override` accepts).
#   pyproject-nix/build-system-pkgs @ 90ffdeee1a4929b231913df067448cd9803d3e07 (locked):
#     default.nix (overlays.sdist, overlays.wheel, overlays.default = sdist).
let
  inherit (builtins)
    attrNames
    attrValues
    concatMap
    concatStringsSep
    elem
    filter
    foldl'
    functionArgs
    genericClosure
    hashString
    intersectAttrs
    isAttrs
    isFunction
    isList
    listToAttrs
    match
    substring
    toJSON
    typeOf
    ;

  # A function that throws on arguments the real one does not take, or lacks.
  checked =
    what:
    {
      allowed,
      required ? [ ],
    }:
    f: args:
    let
      unknown = filter (name: !(elem name allowed)) (attrNames args);
      missing = filter (name: !(args ? ${name})) required;
    in
    if !isAttrs args then
      throw "stand-in ${what}: expects an attribute set, got ${typeOf args}"
    else if unknown != [ ] then
      throw "stand-in ${what}: unexpected argument(s) ${concatStringsSep ", " unknown}; the real one takes ${concatStringsSep ", " allowed}"
    else if missing != [ ] then
      throw "stand-in ${what}: missing argument(s) ${concatStringsSep ", " missing}"
    else
      f args;

  fakeHash = seed: substring 0 32 (hashString "sha256" seed);

  # A derivation-like value: interpolates to its outPath, and keeps what it was made
  # from in `standIn`. The outPath hashes that record, so it changes exactly when an
  # input changes, as a real input-addressed path does.
  mkDrv = name: record: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/${fakeHash (toJSON { inherit name record; })}-${name}";
    standIn = record;
  };

  unique = foldl' (seen: x: if elem x seen then seen else seen ++ [ x ]) [ ];

  lowerCase =
    s:
    builtins.replaceStrings (stringToChars "ABCDEFGHIJKLMNOPQRSTUVWXYZ") (stringToChars "abcdefghijklmnopqrstuvwxyz") s;
  stringToChars = s: builtins.genList (i: substring i 1 s) (builtins.stringLength s);

  # nixpkgs lib: only what our Nix uses. Anything else is a missing attribute.
  lib = rec {
    composeExtensions =
      f: g: final: prev:
      let
        fApplied = f final prev;
        prev' = prev // fApplied;
      in
      fApplied // g final prev';
    foldr =
      op: nul: list:
      let
        count = builtins.length list;
        fold = n: if n == count then nul else op (builtins.elemAt list n) (fold (n + 1));
      in
      fold 0;
    composeManyExtensions = foldr (x: y: composeExtensions x y) (final: prev: { });
    getOutput =
      output: pkg:
      if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
    makeSearchPath =
      subDir: paths: concatStringsSep ":" (map (path: "${path}/${subDir}") (filter (x: x != null) paths));
    makeBinPath = pkgs: makeSearchPath "bin" (map (getOutput "bin") pkgs);
  };

  # streamLayeredImage's inputs, which buildLayeredImage passes on (dockertools.section.md).
  layeredImageArguments = [
    "name"
    "tag"
    "fromImage"
    "contents"
    "config"
    "architecture"
    "created"
    "mtime"
    "uid"
    "gid"
    "uname"
    "gname"
    "maxLayers"
    "extraCommands"
    "fakeRootCommands"
    "enableFakechroot"
    "includeStorePaths"
    "includeNixDB"
    "passthru"
  ];

  # pyproject.nix build/lib/resolvers.nix resolveCyclic: the spec's names, their
  # requested extras and groups, and everything those depend on; never anything else.
  resolveCyclic =
    set: spec:
    let
      key = name: { key = name; };
      withExtras = name: extras: [ (key name) ] ++ map (extra: key "${name}@${extra}") extras;
      closure = genericClosure {
        startSet = concatMap (name: withExtras name spec.${name}) (attrNames spec);
        operator =
          { key }:
          let
            parts = match "(.+)@(.*)" key;
          in
          if parts != null then
            let
              package = set.${builtins.elemAt parts 0};
              group = builtins.elemAt parts 1;
              extras = package.passthru.optional-dependencies.${group} or null;
              groups = package.passthru.dependency-groups.${group} or null;
              chosen =
                if extras == null && groups == null then
                  throw "Extra/group name '${group}' does not match either extra or dependency group"
                else
                  (if extras == null then { } else extras) // (if groups == null then { } else groups);
            in
            concatMap (name: withExtras name chosen.${name}) (attrNames chosen)
          else
            let
              dependencies = set.${key}.passthru.dependencies or { };
            in
            concatMap (name: withExtras name dependencies.${name}) (attrNames dependencies);
      };
    in
    map (entry: entry.key) (filter (entry: match ".+@.*" entry.key == null) closure);

  # pyproject.nix build/packages.nix: a scope with python, mkVirtualEnv and overrideScope.
  pythonSet =
    { python, overlays }:
    let
      base = {
        inherit python;
        overrideScope =
          overlay:
          pythonSet {
            inherit python;
            overlays = overlays ++ [ overlay ];
          };
        mkVirtualEnv =
          name: spec:
          if !isAttrs spec then
            throw "stand-in mkVirtualEnv: the spec must be an attribute set { name = [ extras ]; }"
          else
            let
              names = resolveCyclic final spec;
            in
            mkDrv name {
              venv = name;
              inherit spec;
              python = final.python;
              packages = builtins.sort builtins.lessThan names;
              members = map (name: final.${name}) names;
              buildSystems = final.standInBuildSystems or null;
              workspace = final.standInWorkspace or null;
            };
      };
      final = foldl' (prev: overlay: prev // overlay final prev) base overlays;
    in
    final;

  # uv2nix lib/workspace.nix loadWorkspace, reading the real uv.lock of workspaceRoot.
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
      lock = builtins.fromTOML (builtins.readFile (workspaceRoot + "/uv.lock"));
      isLocal =
        package: package.source ? editable || package.source ? directory || package.source ? virtual;
      localPackages = filter isLocal lock.package;
      mkSpec = dependencies: listToAttrs (map (d: { inherit (d) name; value = d.extra or [ ]; }) dependencies);
      passthruOf = package: {
        dependencies = mkSpec (package.dependencies or [ ]);
        optional-dependencies = builtins.mapAttrs (_: mkSpec) (package.optional-dependencies or { });
        dependency-groups = builtins.mapAttrs (_: mkSpec) (package.dev-dependencies or { });
      };
      # lib/build.nix: a local project's derivation is built from its source tree, so its
      # path is that of the whole project root as copied to the store.
      packageFor =
        sourcePreference: package:
        if isLocal package then
          makePackage package {
            local = package.name;
            src = "${workspaceRoot}";
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
      packages' = listToAttrs (map (package: { inherit (package) name; value = package; }) localPackages);
    in
    {
      config = { };
      requires-python = lock.requires-python or null;

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
            # Which workspace's uv.lock the set was made from.
            standInWorkspace = toString workspaceRoot;
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
            if builtins.substring 0 (builtins.stringLength builtins.storeDir) root == builtins.storeDir then
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
        default = builtins.mapAttrs (_: _: [ ]) packages';
        optionals = builtins.mapAttrs (_: package: attrNames (package.optional-dependencies or { })) packages';
        groups = builtins.mapAttrs (_: package: attrNames (package.dev-dependencies or { })) packages';
        all = builtins.mapAttrs (
          _: package:
          unique (attrNames (package.optional-dependencies or { }) ++ attrNames (package.dev-dependencies or { }))
        ) packages';
      };
    }
  );

  buildSystemsOverlay = flavour: final: prev: {
    standInBuildSystems = flavour;
    hatchling = mkDrv "hatchling" { buildSystem = "hatchling"; inherit flavour; };
  };

  pkgsFor =
    system:
    let
      package = name: mkDrv name { package = name; inherit system; };
      self = {
        inherit system;
        pkgs = self;

        bashInteractive = package "bash-interactive";
        coreutils = package "coreutils";
        findutils = package "findutils";
        gnugrep = package "gnugrep";
        gnused = package "gnused";
        gnutar = package "gnutar";
        gzip = package "gzip";
        git = package "git";
        nodejs = package "nodejs";
        cacert = package "nss-cacert";
        uv = package "uv";
        skopeo = package "skopeo";
        actionlint = package "actionlint";
        nix = package "nix";
        distribution = package "distribution";
        openssl = package "openssl";
        util-linux = package "util-linux";
        nixfmt = package "nixfmt";
        python313 = package "python3-3.13" // {
          pythonVersion = "3.13";
          interpreter = "${package "python3-3.13"}/bin/python3.13";
        };

        stdenv = {
          hostPlatform.system = system;
          buildPlatform.system = system;
        };
        buildPackages = self;
        newScope = extra: self.callPackage;

        # lib.callPackageWith: the function's arguments from the set, plus the overrides.
        callPackage =
          fn: overrides:
          let
            f = if isFunction fn then fn else import fn;
            arguments = functionArgs f;
            supplied = intersectAttrs arguments self // overrides;
            missing = filter (name: !arguments.${name} && !(supplied ? ${name})) (attrNames arguments);
          in
          if missing != [ ] then
            throw "stand-in callPackage: no value for ${concatStringsSep ", " missing}"
          else
            f supplied;

        runCommand =
          name: env: buildCommand:
          if !isAttrs env then
            throw "stand-in runCommand: the second argument is the derivation's attributes"
          else
            mkDrv name { inherit env buildCommand; };

        writeShellApplication =
          checked "writeShellApplication"
            {
              allowed = [
                "name"
                "text"
                "runtimeInputs"
                "runtimeEnv"
                "meta"
                "passthru"
                "checkPhase"
                "excludeShellChecks"
                "extraShellCheckFlags"
                "bashOptions"
                "derivationArgs"
                "inheritPath"
              ];
              required = [
                "name"
                "text"
              ];
            }
            (
              args:
              mkDrv args.name { writeShellApplication = args; }
              // {
                meta = args.meta or { };
              }
            );

        mkShell =
          checked "mkShell"
            {
              allowed = [
                "name"
                "packages"
                "inputsFrom"
                "buildInputs"
                "nativeBuildInputs"
                "propagatedBuildInputs"
                "propagatedNativeBuildInputs"
                "shellHook"
                "env"
              ];
            }
            (
              args:
              if args ? env && filter (name: typeOf args.env.${name} != "string") (attrNames args.env) != [ ] then
                throw "stand-in mkShell: every env value must be a string"
              else
                mkDrv (args.name or "nix-shell") { mkShell = args; }
            );

        dockerTools = {
          buildLayeredImage =
            checked "dockerTools.buildLayeredImage"
              {
                allowed = layeredImageArguments;
                required = [ "name" ];
              }
              (
                args:
                let
                  conf = mkDrv "${baseNameOf args.name}-conf.json" { layeredImage = args; };
                  image = mkDrv "${baseNameOf args.name}.tar.gz" { layeredImage = args; };
                in
                image
                // {
                  imageName = lowerCase args.name;
                  imageTag =
                    if (args.tag or null) != null then
                      args.tag
                    else
                      builtins.head (builtins.split "-" (baseNameOf conf.outPath));
                }
              );
          binSh = package "bin-sh";
          usrBinEnv = package "usr-bin-env";
          caCertificates = package "ca-certificates";
          fakeNss = package "fake-nss";
        };
      };
    in
    self;

  systems = [
    "x86_64-linux"
    "aarch64-linux"
    "x86_64-darwin"
    "aarch64-darwin"
  ];
in
{
  inherit lib pkgsFor checked;

  # The flake's inputs, as `outputs` receives them.
  inputs = {
    nixpkgs = {
      inherit lib;
      legacyPackages = listToAttrs (
        map (system: {
          name = system;
          value = pkgsFor system;
        }) systems
      );
    };
    pyproject-nix = {
      build.packages =
        {
          python,
          newScope,
          buildPackages,
          stdenv,
          pkgs,
        }:
        pythonSet {
          inherit python;
          overlays = [ ];
        };
    };
    uv2nix = {
      lib.workspace = { inherit loadWorkspace; };
    };
    pyproject-build-systems = rec {
      overlays = {
        sdist = buildSystemsOverlay "sdist";
        wheel = buildSystemsOverlay "wheel";
        default = overlays.sdist;
      };
    };
  };
}
