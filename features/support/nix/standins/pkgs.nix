# nixpkgs' package set for one system: only what our Nix (and an adopter's extraTools)
# uses; every other attribute is missing, as a misspelt one would be for real.
#
# Where each argument list and attribute comes from (upstream NixOS/nixpkgs commits unless
# noted; none of their code is copied):
#   NixOS/nixpkgs doc/build-helpers/images/dockertools.section.md
#     @ 0148e16d1446003704803ecabb5a00cfea7d8568: streamLayeredImage's inputs (the ones
#     buildLayeredImage takes too), passthru.imageTag, the binSh, usrBinEnv,
#     caCertificates (/etc/ssl/certs/ca-bundle.crt) and fakeNss helpers.
#   NixOS/nixpkgs pkgs/build-support/docker/default.nix
#     @ 34b7a306c35b279929eebbdb43af071fd92d0d4b: buildLayeredImage = runCommand
#     "${baseNameOf name}.tar.gz" over streamLayeredImage, imageName = toLower name,
#     and since PR #292760 (merge c740c98fc17401d49fbd9bae474d0919f212ea0a) its own
#     `compressor ? "gz"` (none, gz, zstd; compressorForImage refuses any other), not
#     passed on to streamLayeredImage, naming it "${baseNameOf name}.tar${ext}";
#     imageTag = the hash part of the conf derivation's path when tag == null; the
#     customisation layer runs `extraCommands` with `cd old_out; eval "$extraCommands"` in a
#     symlinkJoin (lndir: real directories) of `contents`, and the config's store paths
#     (baseJson) are closure roots of the image, so every path a variable of `Env` names
#     is in the image.
#   NixOS/nixpkgs pkgs/by-name/fa/fakeNss/package.nix @ 0a2c8a5824f4d11518168b74002249c6ecec21d5
#   NixOS/nixpkgs pkgs/build-support/mkshell/default.nix
#     @ 07c91341fd6e5f2ca8d0a6d62e6d0e1ecc94283d: mkShell's named arguments; the rest go to
#     stdenv.mkDerivation, of which only `env` is accepted here (uv2nix's templates use it).
#   NixOS/nixpkgs pkgs/build-support/trivial-builders/default.nix
#     @ 00ee9b64aafebe333c3e33ffb093734092158728: writeShellApplication, runCommand.
#   NixOS/nixpkgs pkgs/development/interpreters/python/default.nix (2026 text): pythonInterpreters
#     holds pypy27, pypy310, pypy311 (and their _prebuilt variants), python311 (3.11.15),
#     python312 (3.12.13), python313 (3.13.14), python314 (3.14.6), python315 (3.15.0b3, a
#     pre-release) and python3Minimal; the top level has python311 ... python315.
#     pkgs/development/interpreters/python/passthrufun.nix
#     @ 5927a0f50934a1e8c37dfca2909f9d613fddf90b: interpreter = "${self}/bin/${executable}",
#     executable = "python3.X", implementation, libPrefix, pythonVersion ("3.X"),
#     sitePackages, sourceVersion; cpython's version is major.minor.patch + suffix, and
#     stdenv.mkDerivation keeps `passthru` and `stdenv` on the derivation (pyproject.nix reads
#     python.passthru.* and python.stdenv.cc.libc).
#   NixOS/nixpkgs lib/systems (elaborate): stdenv.hostPlatform / targetPlatform carry system,
#     isLinux, isDarwin, isWindows, parsed.cpu.name (x86_64, aarch64) and libc ("glibc").
#   NixOS/nixpkgs pkgs/development/interpreters/python/manylinux/default.nix
#     @ c091be90572eabf3e9ce5087bf3fea3f4ded2942: pythonManylinuxPackages has manylinux1,
#     manylinux2010, manylinux2014 = lib.unique (lib.attrValues (getLib of the PEP 599
#     map)) and the manylinux{1,2010,2014}Package symlink trees; the map stays internal.
#     The map below is that file's: libgcc_s.so.1 comes from glibc, libstdc++.so.6 from
#     stdenv.cc.cc, and libz.so.1 is NOT in it (PEP 599 leaves zlib to the wheel), hence
#     the image adds zlib itself.
#   NixOS/nixpkgs pkgs/build-support/bintools-wrapper/default.nix
#     @ 000b58721fef0d1cf693a6f2f4fa442b66fbe2bb: `dynamicLinker` is
#     "${getLib libc}/lib/ld-linux-x86-64.so.2" on x86_64-linux,
#     ".../lib/ld-linux-aarch64.so.1" on aarch64-linux, "/usr/lib/dyld" on Darwin;
#     pkgs/build-support/cc-wrapper/default.nix @ 0042eae49edf6d59ffbf7c6d1ee42899fcf309eb:
#     stdenv.cc's passthru has `bintools`, `cc` and `libc`.
#   NixOS/nixpkgs pkgs/build-support/build-fhsenv-bubblewrap/buildFHSEnv.nix
#     @ 359f8630b84590040ab2916d2740af02a35aaaca: an FHS root puts glibc in /usr/lib64 and
#     links /lib64 and /lib to it, which is where foreign binaries look for the loader.
#   The packages of the tool lists exist as top-level attributes: pkgs/by-name/{ac/actionlint,
#     uv/uv,sk/skopeo,ni/nixfmt}/package.nix (nixfmt is the RFC-style formatter at 281ffa98),
#     pkgs/by-name/di/distribution/package.nix @ 0316fab8 (mainProgram "registry");
#     nix, openssl, util-linux in pkgs/top-level/all-packages.nix; zstd
#     (pkgs/tools/compression/zstd/default.nix @ a0ceb5197a0e2e7c5a649fc4893cd77508f6b4d5,
#     a top-level attribute of all-packages.nix). What adopters add:
#     pkgs/by-name/re/redis/package.nix @ 02d79c9c8bcba9020b4c93784f96e0cb15709349,
#     pkgs/by-name/jq/jq/package.nix @ c88f01bd74dc7a349bc8e39e6edfe217fd5b089d,
#     pkgs/development/libraries/sqlite/default.nix @ 6f2fac6466cbc684f01093364e60bb96b79c120f,
#     and pkgs/top-level/all-packages.nix (2026 text): `inherit (postgresqlVersions)
#     postgresql_14 ... postgresql_19`, and `postgresql = postgresql_18` on unstable.
{
  lib,
  common,
  system,
}:
let
  inherit (builtins)
    attrNames
    attrValues
    concatStringsSep
    filter
    functionArgs
    intersectAttrs
    isAttrs
    isFunction
    typeOf
    ;
  inherit (common) checked mkDrv;

  package =
    name:
    mkDrv name {
      package = name;
      inherit system;
    };

  # bintools-wrapper's dynamicLinker, by the platform's system (glibc platforms only here).
  loaderNames = {
    x86_64-linux = "ld-linux-x86-64.so.2";
    aarch64-linux = "ld-linux-aarch64.so.1";
  };
  cpus = {
    x86_64-linux = "x86_64";
    aarch64-linux = "aarch64";
    x86_64-darwin = "x86_64";
    aarch64-darwin = "aarch64";
  };
  isLinux = loaderNames ? ${system};
  platform = {
    inherit system isLinux;
    isDarwin = !isLinux;
    isWindows = false;
    parsed.cpu.name = cpus.${system};
    libc = if isLinux then "glibc" else "libSystem";
  };

  glibc = package "glibc" // {
    pname = "glibc";
    version = "2.42";
  };
  # gcc: `lib` is the output with libstdc++ (lib.getLib picks it).
  gcc = package "gcc" // {
    lib = package "gcc-lib";
  };
  glib = package "glib";
  zlib = package "zlib";

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
  manylinux1Libs = manylinux2014Libs // {
    "libpanelw.so.5" = package "ncurses-5";
    "libncursesw.so.5" = package "ncurses-5";
    "libcrypt.so.1" = package "libxcrypt";
  };
  manylinuxList = libs: lib.unique (attrValues (builtins.mapAttrs (_: lib.getLib) libs));
  manylinuxPackage =
    name: libs:
    mkDrv name {
      manylinuxPackage = attrNames libs;
      inherit system;
    };

  stdenv = {
    hostPlatform = platform;
    buildPlatform = platform;
    targetPlatform = platform;
    isLinux = platform.isLinux;
    isDarwin = platform.isDarwin;
    # cc-wrapper: passthru.cc is the compiler, passthru.bintools the bintools-wrapper.
    cc = package "gcc-wrapper" // {
      cc = gcc;
      libc = glibc;
      bintools = package "binutils-wrapper" // {
        libc = glibc;
        dynamicLinker =
          if isLinux then "${glibc}/lib/${loaderNames.${system}}" else "/usr/lib/dyld";
      };
    };
  };

  # A CPython (or PyPy) of pythonInterpreters, with the passthru of passthrufun.nix.
  interpreter =
    {
      implementation ? "cpython",
      major,
      minor,
      patch,
      suffix ? "",
      pythonVersion ? "${major}.${minor}",
    }:
    let
      version = "${major}.${minor}.${patch}${suffix}";
      executable = if implementation == "cpython" then "python${pythonVersion}" else "pypy${major}";
      name = if implementation == "cpython" then "python3-${version}" else "pypy${pythonVersion}-${version}";
      self = package name;
      passthru = {
        inherit implementation pythonVersion executable;
        interpreter = "${self}/bin/${executable}";
        libPrefix = "python${pythonVersion}";
        sitePackages = "lib/python${pythonVersion}/site-packages";
        sourceVersion = {
          inherit major minor patch suffix;
        };
      };
    in
    self
    // passthru
    // {
      inherit passthru version stdenv;
      pname = if implementation == "cpython" then "python3" else "pypy";
    };

  pythonInterpreters = rec {
    python311 = interpreter {
      major = "3";
      minor = "11";
      patch = "15";
    };
    python312 = interpreter {
      major = "3";
      minor = "12";
      patch = "13";
    };
    python313 = interpreter {
      major = "3";
      minor = "13";
      patch = "14";
    };
    python314 = interpreter {
      major = "3";
      minor = "14";
      patch = "6";
    };
    python315 = interpreter {
      major = "3";
      minor = "15";
      patch = "0";
      suffix = "b3";
    };
    python3Minimal = python314 // {
      pname = "python3-minimal";
    };
    pypy311 = interpreter {
      implementation = "pypy";
      major = "7";
      minor = "3";
      patch = "20";
      pythonVersion = "3.11";
    };
    pypy311_prebuilt = pypy311;
    pypy310 = interpreter {
      implementation = "pypy";
      major = "7";
      minor = "3";
      patch = "19";
      pythonVersion = "3.10";
    };
  };

  self = {
    inherit system lib stdenv pythonInterpreters;
    pkgs = self;

    inherit (pythonInterpreters)
      python311
      python312
      python313
      python314
      python315
      ;

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
    zstd = package "zstd";
    actionlint = package "actionlint";
    nix = package "nix";
    distribution = package "distribution";
    openssl = package "openssl";
    util-linux = package "util-linux";
    nixfmt = package "nixfmt";
    postgresql = package "postgresql-18";
    postgresql_17 = package "postgresql-17";
    postgresql_18 = package "postgresql-18";
    redis = package "redis";
    sqlite = package "sqlite";
    jq = package "jq";

    inherit zlib glibc;

    pythonManylinuxPackages = {
      manylinux1 = manylinuxList manylinux1Libs;
      manylinux2010 = manylinuxList manylinux2014Libs;
      manylinux2014 = manylinuxList manylinux2014Libs;
      manylinux1Package = manylinuxPackage "manylinux1" manylinux1Libs;
      manylinux2010Package = manylinuxPackage "manylinux2010" manylinux2014Libs;
      manylinux2014Package = manylinuxPackage "manylinux2014" manylinux2014Libs;
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
          // (args.passthru or { })
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
              compressor = args.compressor or "gz";
              extensions = {
                none = "";
                gz = ".gz";
                zstd = ".zst";
              };
              ext =
                extensions.${compressor}
                  or (throw "dockerTools.buildLayeredImage: compressor must be one of none, gz, zstd, not ${compressor}");
              conf = mkDrv "${baseNameOf args.name}-conf.json" { layeredImage = args; };
              image = mkDrv "${baseNameOf args.name}.tar${ext}" { layeredImage = args; };
            in
            image
            // {
              imageName = lib.toLower args.name;
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
    "compressor"
  ];
in
{
  pkgs = self;
  inherit manylinux2014Libs zlib;
}
