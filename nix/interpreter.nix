# The Python interpreter of the image, from nixpkgs:
#   1. the `python` setting: "3.12", or an interpreter derivation;
#   2. else .python-version, as uv reads it ("3.12", "3.12.4", "cpython@3.12"...): its minor version;
#   3. else the newest CPython of nixpkgs (no pre-release) that uv.lock's requires-python
#      allows and for which uv2nix finds a wheel of every locked package that has a wheel
#      for this platform at all: the newest version the lock supports without building
#      from source. If none has every wheel, the newest allowed one (sdists get built).
{
  lib,
  pkgs,
  pyproject-nix,
  # uv.lock as TOML, and its requires-python as uv2nix parses it (pep440.parseVersionConds).
  lock,
  requiresPython,
  python,
  pythonVersionText,
  # For messages: where the lock is.
  lockFile,
}:
let
  inherit (pyproject-nix.lib) pypa util;

  # pyproject.nix's filter: CPython, no pre-release, within requires-python.
  allowed =
    interpreters:
    util.filterPythonInterpreters {
      requires-python = requiresPython;
      pythonInterpreters = interpreters;
    };
  # An interpreter asked for by name may be a pre-release, or another implementation.
  admits =
    interpreter:
    util.filterPythonInterpreters {
      requires-python = requiresPython;
      pythonInterpreters.requested = interpreter;
      pre = true;
      inherit (interpreter) implementation;
    } != [ ];

  # nixpkgs names CPython 3.X `python3X`.
  byVersion =
    what: version:
    let
      attribute = "python" + lib.replaceStrings [ "." ] [ "" ] version;
    in
    pkgs.${attribute}
      or (throw "${what}: Python ${version} is not in this nixpkgs (no pkgs.${attribute}); choose another version");

  # uv's version request: an optional `cpython` prefix, then 3.X or 3.X.Y.
  fromVersionFile =
    text:
    let
      lines = builtins.filter (line: line != "" && !(lib.hasPrefix "#" line)) (
        map lib.trim (lib.splitString "\n" text)
      );
      request = if lines == [ ] then "" else builtins.head lines;
      parts = builtins.match "(cpython[-@]?)?(3\\.[0-9]+)(\\.[0-9]+)?" request;
    in
    if parts == null then
      throw ".python-version: \"${request}\" is not a CPython version as 3.X or 3.X.Y; write one, or set `python` in flake.nix"
    else
      byVersion ".python-version" (builtins.elemAt parts 1);

  requested =
    if python == null then
      if pythonVersionText == null then null else fromVersionFile pythonVersionText
    else if builtins.isString python then
      byVersion "flake.nix: python" python
    else
      python;

  newestFirst = lib.sort (a: b: lib.versionOlder b.version a.version);
  candidates = newestFirst (allowed pkgs.pythonInterpreters);

  # Each locked package's wheels, as uv2nix parses them (lib/lock1.nix: path, else filename,
  # else the url's last component).
  wheelName =
    wheel:
    if wheel ? path then
      baseNameOf wheel.path
    else if wheel ? filename then
      wheel.filename
    else
      baseNameOf wheel.url;
  wheelsOf = package: map (wheel: pypa.parseWheelFileName (wheelName wheel)) package.wheels;
  lockedWheels = map wheelsOf (builtins.filter (package: (package.wheels or [ ]) != [ ]) (lock.package or [ ]));

  # What uv2nix lib/build.nix asks: is there a wheel for this interpreter and platform?
  hasWheel = interpreter: files: pypa.selectWheels pkgs.stdenv.targetPlatform interpreter files != [ ];
  # Packages with no wheel for any candidate (other platforms only) do not count.
  relevant = builtins.filter (files: builtins.any (candidate: hasWheel candidate files) candidates) lockedWheels;
  coversLock = candidate: builtins.all (hasWheel candidate) relevant;

  chosen =
    if requested != null then
      if !admits requested then
        throw "${lockFile}: requires-python excludes Python ${requested.version}, the version asked for; change one of them"
      else
        requested
    else if candidates == [ ] then
      throw "${lockFile}: no CPython of this nixpkgs satisfies requires-python; set `python` in flake.nix"
    else
      lib.findFirst coversLock (builtins.head candidates) candidates;
in
chosen
