# pyproject-nix/pyproject.nix @ 7af23cfe91064865ecf2e835da28b45b3c6f49fd (locked):
#   lib/pypa.nix: normalizePackageName, parseWheelFileName, the tag checks and
#     selectWheels (wheels compatible with a platform, libc and interpreter);
#   lib/pep600.nix manyLinuxTagCompatible (legacy aliases, glibc version, architecture);
#   lib/pep440.nix: parseVersion, parseVersionConds, compareVersions (a release shorter than
#     the other compares equal on their common prefix; `*` matches anything) and the
#     comparators; lib/util.nix filterPythonInterpreters;
#   build/packages.nix: ({ python, newScope, buildPackages, stdenv, pkgs }, mkVirtualEnv
#     name spec, a stdenv.mkDerivation with overrideAttrs; overrideScope);
#   build/lib/resolvers.nix resolveCyclic.
{ lib, common }:
let
  inherit (builtins)
    all
    any
    attrNames
    concatMap
    elem
    elemAt
    filter
    fromJSON
    genericClosure
    head
    isAttrs
    isString
    length
    match
    split
    substring
    stringLength
    ;
  inherit (common) mkDrv;

  hasSuffix =
    suffix: s:
    stringLength s >= stringLength suffix
    && substring (stringLength s - stringLength suffix) (stringLength suffix) s == suffix;

  pep440 = rec {
    modifierTypes = {
      alpha = "a";
      beta = "b";
      c = "rc";
      pre = "rc";
      preview = "rc";
      rev = "post";
      r = "post";
      "-" = "post";
    };
    releasePart = s: if s == "*" then s else fromJSON (head (match "0?([[:digit:]]+)" s));
    parseVersion =
      version:
      let
        tokens = match "(([0-9]+)!)?([^-\\+a-zA-Z]+)(.*)" version;
        local = match "([^\\+]*)\\+?(.*)" (elemAt tokens 3);
        modifiers = map (
          modifier:
          let
            m = match "-?([^0-9]+)([0-9]+)" modifier;
          in
          if m == null then
            throw "PEP-440 modifier segment invalid: ${modifier}"
          else
            {
              type = modifierTypes.${elemAt m 0} or (elemAt m 0);
              value = releasePart (elemAt m 1);
            }
        ) (filter (s: isString s && s != "") (split "\\." (elemAt local 0)));
        first = types: lib.findFirst (modifier: elem modifier.type types) null modifiers;
      in
      if tokens == null || local == null then
        throw "Invalid PEP-440 version: ${version}"
      else
        {
          epoch = if elemAt tokens 1 != null then fromJSON (elemAt tokens 1) else 0;
          release = map releasePart (filter (s: isString s && s != "") (split "\\." (elemAt tokens 2)));
          pre = first [
            "rc"
            "b"
            "a"
          ];
          post = first [ "post" ];
          dev = first [ "dev" ];
          local = if elemAt local 1 != "" then elemAt local 1 else null;
          str = version;
        };
    parseVersionCond =
      cond:
      let
        m = match " *([=><!~^]*) *(.+)" cond;
      in
      assert m != null;
      {
        op = elemAt m 0;
        version = parseVersion (elemAt m 1);
      };
    parseVersionConds =
      conds:
      let
        parenthesised = match "\\((.+)\\)" conds;
        inner = if parenthesised != null then head parenthesised else conds;
      in
      map parseVersionCond (if inner == "" then [ ] else filter isString (split " *, *" inner));
    compareRelease =
      offset: a: b:
      if length a == offset || length b == offset then
        0
      else
        let
          x = elemAt a offset;
          y = elemAt b offset;
        in
        if x == "*" || y == "*" then
          0
        else if x > y then
          1
        else if x < y then
          -1
        else
          compareRelease (offset + 1) a b;
    priority = {
      dev = -1;
      a = 0;
      b = 1;
      rc = 2;
      post = 3;
    };
    compareModifier =
      x: y:
      if priority.${x.type} == priority.${y.type} then
        (
          if x.value == y.value then
            0
          else if x.value > y.value then
            1
          else
            -1
        )
      else if priority.${x.type} > priority.${y.type} then
        1
      else
        0;
    compareVersions =
      a: b:
      let
        release = compareRelease 0 a.release b.release;
      in
      if a.local != null || b.local != null then
        throw "stand-in pep440.compareVersions: local versions are not stood in"
      else if a.epoch != b.epoch then
        (if a.epoch > b.epoch then 1 else -1)
      else if release != 0 then
        release
      else if a.pre != null && b.pre != null && compareModifier a.pre b.pre != 0 then
        compareModifier a.pre b.pre
      else if a.pre != null && b.pre == null then
        -1
      else if b.pre != null && a.pre == null then
        1
      else if a.dev != null && b.dev != null && compareModifier a.dev b.dev != 0 then
        compareModifier a.dev b.dev
      else if a.dev != null && b.dev == null then
        -1
      else if b.dev != null && a.dev == null then
        1
      else if a.post != null && b.post != null && compareModifier a.post b.post != 0 then
        compareModifier a.post b.post
      else if a.post != null && b.post == null then
        1
      else if b.post != null && a.post == null then
        -1
      else
        0;
    comparators = {
      "~=" =
        a: b:
        comparators.">=" a b
        && comparators."==" a (
          b
          // {
            release = builtins.genList (elemAt b.release) (length b.release - 1);
            pre = null;
            post = null;
            dev = null;
          }
        );
      "==" = a: b: compareVersions a b == 0;
      "!=" = a: b: compareVersions a b != 0;
      "<=" = a: b: compareVersions a b <= 0;
      ">=" = a: b: compareVersions a b >= 0;
      "<" = a: b: compareVersions a b < 0;
      ">" = a: b: compareVersions a b > 0;
      "===" = throw "Arbitrary equality clause not supported";
      "" = _a: _b: true;
    };
  };

  pep600 = {
    legacyAliases = {
      manylinux1_x86_64 = "manylinux_2_5_x86_64";
      manylinux1_i686 = "manylinux_2_5_i686";
      manylinux2010_x86_64 = "manylinux_2_12_x86_64";
      manylinux2010_i686 = "manylinux_2_12_i686";
      manylinux2014_x86_64 = "manylinux_2_17_x86_64";
      manylinux2014_i686 = "manylinux_2_17_i686";
      manylinux2014_aarch64 = "manylinux_2_17_aarch64";
      manylinux2014_armv7l = "manylinux_2_17_armv7l";
      manylinux2014_ppc64 = "manylinux_2_17_ppc64";
      manylinux2014_ppc64le = "manylinux_2_17_ppc64le";
      manylinux2014_s390x = "manylinux_2_17_s390x";
    };
    # pep599.nix manyLinuxTargetMachines, from the tag's name to nixpkgs' cpu name.
    cpuNames = {
      ppc64 = "powerpc64";
      ppc64le = "powerpc64le";
    };
    manyLinuxTagCompatible =
      platform: libc: tag:
      let
        tag' = pep600.legacyAliases.${tag} or tag;
        m = match "manylinux_([0-9]+)_([0-9]+)_(.*)" tag';
        system = builtins.splitVersion libc.version;
      in
      if m == null then
        throw "'${tag'}' is not a valid manylinux tag."
      else if platform.libc != "glibc" || libc.pname != "glibc" then
        false
      else if
        builtins.compareVersions "${elemAt system 0}.${elemAt system 1}" "${elemAt m 0}.${elemAt m 1}" < 0
      then
        false
      else
        (pep600.cpuNames.${elemAt m 2} or (elemAt m 2)) == platform.parsed.cpu.name;
  };

  pypa = rec {
    normalizePackageName =
      name: lib.toLower (builtins.concatStringsSep "-" (filter isString (split "[-_\\.]+" name)));

    parsePythonTag =
      tag:
      let
        m = match "([a-z]+)([0-9]*)" tag;
        implementations = {
          py = "python";
          cp = "cpython";
          ip = "ironpython";
          pp = "pypy";
          jy = "jython";
        };
      in
      assert m != null;
      {
        implementation = implementations.${elemAt m 0} or (elemAt m 0);
        version = if elemAt m 1 != "" then elemAt m 1 else null;
      };

    parseWheelFileName =
      name:
      let
        m = match "([^-]+)-([^-]+)(-([[:digit:]][^-]*))?-([^-]+)-([^-]+)-(.+).whl" name;
        parts = i: filter isString (split "\\." (elemAt m i));
      in
      assert m != null;
      {
        distribution = elemAt m 0;
        version = elemAt m 1;
        buildTag = elemAt m 3;
        languageTags = map parsePythonTag (parts 4);
        abiTags = parts 5;
        platformTags = parts 6;
        filename = name;
      };

    isABITagCompatible =
      python:
      let
        inherit (python.passthru) sourceVersion implementation;
        tags =
          python.passthru.pythonABITags or (
            if implementation == "cpython" then
              [
                "none"
                "any"
                "abi3"
                "cp${sourceVersion.major}${sourceVersion.minor}"
              ]
            else
              [
                "none"
                "any"
              ]
          );
      in
      tag: elem tag tags;

    isPythonTagCompatible =
      python:
      let
        inherit (python.passthru) implementation pythonVersion;
        version = filter isString (split "\\." pythonVersion);
        major = elemAt version 0;
        minor = elemAt version 1;
      in
      tag:
      (tag.implementation == "python" || tag.implementation == implementation)
      && (
        tag.version == null
        || tag.version == major
        || (
          substring 0 (stringLength major) tag.version == major
          && fromJSON (major + minor) >= fromJSON tag.version
        )
      );

    # Any other tag (pyemscripten, ...) is not compatible, as in the real function.
    isPlatformTagCompatible =
      platform: libc: tag:
      if tag == "any" then
        true
      else if lib.hasPrefix "manylinux" tag then
        pep600.manyLinuxTagCompatible platform libc tag
      else if lib.hasPrefix "musllinux" tag then
        platform.isLinux && libc.pname == "musl"
      else if lib.hasPrefix "macosx" tag then
        platform.isDarwin
      else if tag == "win32" || lib.hasPrefix "win_" tag then
        platform.isWindows
      else if lib.hasPrefix "linux_" tag then
        platform.isLinux && tag == "linux_${platform.parsed.cpu.name}"
      else
        false;

    selectWheels =
      platform: python: files:
      if !isAttrs platform then
        throw "SelectWheel was called with wrong type for its first argument 'platform'."
      else
        filter (
          file:
          any (isABITagCompatible python) file.abiTags
          && any (isPythonTagCompatible python) file.languageTags
          && any (isPlatformTagCompatible platform python.stdenv.cc.libc) file.platformTags
        ) files;
  };

  util.filterPythonInterpreters =
    common.checked "pyproject-nix.lib.util.filterPythonInterpreters"
      {
        allowed = [
          "requires-python"
          "pythonInterpreters"
          "pre"
          "implementation"
        ];
        required = [
          "requires-python"
          "pythonInterpreters"
        ];
      }
      (
        {
          requires-python,
          pythonInterpreters,
          pre ? false,
          implementation ? "cpython",
        }:
        concatMap (
          name:
          let
            drv = pythonInterpreters.${name};
            version = pep440.parseVersion drv.version;
            pythonVersion = pep440.parseVersion drv.pythonVersion;
          in
          if
            name != "override"
            && name != "overrideDerivation"
            && !(hasSuffix "prebuilt" name || hasSuffix "Minimal" name)
            && (drv.implementation or "") == implementation
            && (pre || version.pre == null)
            && all (cond: pep440.comparators.${cond.op} pythonVersion cond.version) requires-python
          then
            [ drv ]
          else
            [ ]
        ) (attrNames pythonInterpreters)
      );

  # build/lib/resolvers.nix resolveCyclic: the spec's names, their requested extras and
  # groups, and everything those depend on; never anything else.
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
              package = set.${elemAt parts 0};
              group = elemAt parts 1;
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

  # build/packages.nix: a scope with python, mkVirtualEnv and overrideScope.
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
      final = builtins.foldl' (prev: overlay: prev // overlay final prev) base overlays;
    in
    final;
in
{
  lib = {
    inherit pypa pep440 pep600 util;
  };
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
}
