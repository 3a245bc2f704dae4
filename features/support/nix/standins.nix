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
#     (makeBinPath, makeLibraryPath = makeSearchPathOutput "lib" "lib"), lib/attrsets.nix
#     (getOutput), lib/lists.nix (unique): the versions found by find_string, 2024-2026
#     text, identical in substance.
#   NixOS/nixpkgs pkgs/development/interpreters/python/manylinux/default.nix
#     @ c091be90572eabf3e9ce5087bf3fea3f4ded2942: pythonManylinuxPackages has manylinux1,
#     manylinux2010, manylinux2014 = lib.unique (lib.attrValues (getLib of the PEP 599
#     map)) and the manylinux{1,2010,2014}Package symlink trees; the map stays internal.
#     The map below is that file's: libgcc_s.so.1 comes from glibc, libstdc++.so.6 from
#     stdenv.cc.cc, and libz.so.1 is NOT in it (PEP 599 leaves zlib to the wheel; the
#     stored version at 05924f714f31ff83bd10ed1710638688999c3725, an unresolved merge,
#     adds zlib and expat on one side), hence the image adds zlib itself. The top level
#     still has `pythonManylinuxPackages = callPackage ./python/manylinux { };` in the
#     2026 text found by find_string (the layout with pkgs-many/).
#   NixOS/nixpkgs pkgs/build-support/bintools-wrapper/default.nix
#     @ 000b58721fef0d1cf693a6f2f4fa442b66fbe2bb: `dynamicLinker` (an `env` attribute of
#     the wrapper) is "${getLib libc}/lib/ld-linux-x86-64.so.2" on x86_64-linux,
#     ".../lib/ld-linux-aarch64.so.1" on aarch64-linux, "/usr/lib/dyld" on Darwin;
#     pkgs/build-support/cc-wrapper/default.nix @ 0042eae49edf6d59ffbf7c6d1ee42899fcf309eb:
#     stdenv.cc's passthru has `bintools` and `cc`. nixos/modules/programs/nix-ld.nix
#     @ 05924f714f31ff83bd10ed1710638688999c3725 links `pkgs.stdenv.cc.bintools.dynamicLinker`
#     as nix-ld's ld.so, and many packages (find_string) patch it in as the interpreter.
#   NixOS/nixpkgs pkgs/build-support/build-fhsenv-bubblewrap/buildFHSEnv.nix
#     @ 359f8630b84590040ab2916d2740af02a35aaaca: an FHS root puts glibc in /usr/lib64 and
#     links /lib64 and /lib to it, which is where foreign binaries look for the loader.
#   NixOS/nixpkgs pkgs/build-support/docker/default.nix @ 34b7a306 (again): the
#     customisation layer runs `extraCommands` with `cd old_out; eval "$extraCommands"` in
#     a symlinkJoin (lndir: real directories) of `contents`, and the config's store paths
#     (baseJson) are closure roots of the image, so every library a variable of `Env`
#     names is in the image.
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
    makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (map (getOutput output) pkgs);
    makeBinPath = makeSearchPathOutput "bin" "bin";
    makeLibraryPath = makeSearchPathOutput "lib" "lib";
    getLib = getOutput "lib";
    inherit unique;
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

  # bintools-wrapper's dynamicLinker, by the platform's system (glibc platforms only here).
  loaderNames = {
    x86_64-linux = "ld-linux-x86-64.so.2";
    aarch64-linux = "ld-linux-aarch64.so.1";
  };

  # The stand-in packages of one system that are not on a tool list: the C library, the
  # compiler's runtime libraries, and PEP 599's map (manylinux/default.nix) of each library
  # to the package providing it. X11, GL and GLib are reachable only through that map here,
  # as through the real file's `with pkgs;`.
  libraryPackagesFor =
    system:
    let
      package = name: mkDrv name { package = name; inherit system; };
      glibc = package "glibc";
      # gcc: `lib` is the output with libstdc++ (lib.getLib picks it).
      gcc = package "gcc" // { lib = package "gcc-lib"; };
      glib = package "glib";
      manylinux2014Libs = {
        "libgcc_s.so.1" = glibc;
        "libstdc++.so.6" = gcc;
        "libm.so.6" = glibc;
        "libdl.so.2" = glibc;
        "librt.so.1" = glibc;
        "libc.so.6" = glibc;
        "libnsl.so.1" = glibc;
        "libutil.so.1" = glibc;
        "libpthread.so.0" = glibc;
        "libresolv.so.2" = glibc;
        "libX11.so.6" = package "libX11";
        "libXext.so.6" = package "libXext";
        "libXrender.so.1" = package "libXrender";
        "libICE.so.6" = package "libICE";
        "libSM.so.6" = package "libSM";
        "libGL.so.1" = package "libGL";
        "libgobject-2.0.so.0" = glib;
        "libgthread-2.0.so.0" = glib;
        "libglib-2.0.so.0" = glib;
      };
    in
    {
      inherit glibc gcc manylinux2014Libs;
      zlib = package "zlib";
      manylinux1Libs = manylinux2014Libs // {
        "libpanelw.so.5" = package "ncurses-5";
        "libncursesw.so.5" = package "ncurses-5";
        "libcrypt.so.1" = package "libxcrypt";
      };
    };

  pkgsFor =
    system:
    let
      package = name: mkDrv name { package = name; inherit system; };
      libraries = libraryPackagesFor system;
      inherit (libraries) glibc gcc manylinux2014Libs manylinux1Libs;
      manylinuxList = libs: unique (attrValues (builtins.mapAttrs (_: lib.getLib) libs));
      manylinuxPackage = name: libs: mkDrv name { manylinuxPackage = attrNames libs; inherit system; };

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

        inherit (libraries) zlib;
        inherit glibc;

        pythonManylinuxPackages = {
          manylinux1 = manylinuxList manylinux1Libs;
          manylinux2010 = manylinuxList manylinux2014Libs;
          manylinux2014 = manylinuxList manylinux2014Libs;
          manylinux1Package = manylinuxPackage "manylinux1" manylinux1Libs;
          manylinux2010Package = manylinuxPackage "manylinux2010" manylinux2014Libs;
          manylinux2014Package = manylinuxPackage "manylinux2014" manylinux2014Libs;
        };

        stdenv = {
          hostPlatform.system = system;
          buildPlatform.system = system;
          # cc-wrapper: passthru.cc is the compiler, passthru.bintools the bintools-wrapper.
          cc = package "gcc-wrapper" // {
            cc = gcc;
            bintools = package "binutils-wrapper" // {
              libc = glibc;
              dynamicLinker =
                if loaderNames ? ${system} then "${glibc}/lib/${loaderNames.${system}}" else "/usr/lib/dyld";
            };
          };
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

  # Which sonames each library directory of a system's stand-ins provides (the manylinux
  # map, and zlib's libz.so.1), for the tests' assertions: { "<store path>/lib" = [ ... ]; }.
  sonamesFor =
    system:
    let
      libraries = libraryPackagesFor system;
      providers = builtins.mapAttrs (_: lib.getLib) (
        libraries.manylinux2014Libs // { "libz.so.1" = libraries.zlib; }
      );
      directoryOf = name: "${providers.${name}}/lib";
      directories = unique (map directoryOf (attrNames providers));
    in
    listToAttrs (
      map (directory: {
        name = directory;
        value = filter (name: directoryOf name == directory) (attrNames providers);
      }) directories
    );

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
