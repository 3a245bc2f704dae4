# nixpkgs lib: only what our Nix and the other stand-ins use; anything else is a missing
# attribute. Each function follows NixOS/nixpkgs lib/ @ b7199ff83bd24e29b3eaef0d84083b2f854ee9b8
# (2026-06-11): the file named beside it, with its behaviour on the inputs our code gives
# it and its refusals (a fileset path that does not exist, a root that is not a directory
# or not a path, a file outside the root) with the same messages.
let
  inherit (builtins)
    attrNames
    concatStringsSep
    elem
    elemAt
    filter
    foldl'
    genList
    isAttrs
    isFunction
    isList
    isPath
    isString
    length
    listToAttrs
    match
    pathExists
    readDir
    readFile
    replaceStrings
    split
    stringLength
    substring
    typeOf
    ;

  # lib/filesystem.nix pathType: builtins.readFileType where Nix has it (>= 2.14); else the
  # parent's readDir, which pure evaluation forbids for /nix/store itself: a top-level store
  # path (a flake's source) is taken for the directory it always is there.
  pathType =
    path:
    if builtins ? readFileType then
      builtins.readFileType path
    else if dirOf (toString path) == builtins.storeDir then
      "directory"
    else
      (readDir (dirOf path)).${baseNameOf path};

  # fileset: a value standing for a set of files: absolute file paths (strings) under a
  # base. The real representation is a tree (lib/fileset/internal.nix); the observable
  # behaviour of toSource, unions and maybeMissing is what matters here.
  fileset = rec {
    _isStandInFileset = value: isAttrs value && (value._type or null) == "fileset";
    _make = files: {
      _type = "fileset";
      inherit files;
    };

    # A directory's regular files, recursively (lib/fileset/internal.nix: a path coerces
    # to everything under it).
    _filesUnder =
      path:
      if pathType path == "directory" then
        builtins.concatMap (name: _filesUnder (path + "/${name}")) (attrNames (readDir path))
      else
        [ (toString path) ];

    # lib/fileset/internal.nix _coerce: a file set, or a path that exists.
    _coerce =
      context: value:
      if _isStandInFileset value then
        value
      else if !isPath value then
        if isString value || (isAttrs value && value ? outPath) then
          throw "${context} (\"${toString value}\") is a string-like value, but it should be a file set or a path instead.\n    Paths represented as strings are not supported by `lib.fileset`, use `lib.sources` or derivations instead."
        else
          throw "${context} is of type ${typeOf value}, but it should be a file set or a path instead."
      else if !pathExists value then
        throw "${context} (${toString value}) is a path that does not exist.\n    To create a file set from a path that may not exist, use `lib.fileset.maybeMissing`."
      else
        _make (_filesUnder value);

    # lib/fileset/default.nix unions.
    unions =
      list:
      if !isList list then
        throw "lib.fileset.unions: Argument is of type ${typeOf list}, but it should be a list instead."
      else
        _make (
          unique (
            builtins.concatLists (
              genList (i: (_coerce "lib.fileset.unions: Element ${toString i}" (elemAt list i)).files) (length list)
            )
          )
        );

    # lib/fileset/default.nix maybeMissing.
    maybeMissing =
      path:
      if !isPath path then
        if isString path then
          throw "lib.fileset.maybeMissing: Argument (\"${toString path}\") is a string-like value, but it should be a path instead."
        else
          throw "lib.fileset.maybeMissing: Argument is of type ${typeOf path}, but it should be a path instead."
      else if !pathExists path then
        _make [ ]
      else
        _coerce "lib.fileset.maybeMissing: Argument" path;

    # lib/fileset/default.nix toSource: cleanSourceWith { name = "source"; src = root; }
    # with a filter that keeps the set's files and the directories leading to them.
    toSource =
      {
        root,
        fileset,
      }:
      let
        files = (_coerce "lib.fileset.toSource: `fileset`" fileset).files;
        prefix = toString root + "/";
        under = file: substring 0 (stringLength prefix) file == prefix;
        outside = filter (file: !under file) files;
        leadsTo = directory: file: substring 0 (stringLength directory + 1) file == directory + "/";
      in
      if !isPath root then
        if isString root || (isAttrs root && root ? outPath) then
          throw "lib.fileset.toSource: `root` (${toString root}) is a string-like value, but it should be a path instead.\n    Paths in strings are not supported by `lib.fileset`, use `lib.sources` or derivations instead."
        else
          throw "lib.fileset.toSource: `root` is of type ${typeOf root}, but it should be a path instead."
      else if !pathExists root then
        throw "lib.fileset.toSource: `root` (${toString root}) is a path that does not exist."
      else if pathType root != "directory" then
        throw "lib.fileset.toSource: `root` (${toString root}) is a file, but it should be a directory instead."
      else if outside != [ ] then
        throw "lib.fileset.toSource: `fileset` could contain files in ${dirOf (builtins.head outside)}, which is not under the `root` (${toString root})."
      else
        builtins.path {
          name = "source";
          path = root;
          filter =
            path: type:
            if type == "directory" then builtins.any (leadsTo path) files else elem path files;
        };
  };

  # lib/lists.nix unique.
  unique = foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ];

  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  # lib/strings.nix stringToCharacters.
  stringToCharacters = s: genList (p: substring p 1 s) (stringLength s);

  # lib/strings.nix escapeRegex, as splitString uses it.
  escapeRegex = replaceStrings (stringToCharacters "\\[{()^$?*+|.") (
    map (c: "\\${c}") (stringToCharacters "\\[{()^$?*+|.")
  );

  getOutput =
    output: pkg:
    if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  makeSearchPath =
    subDir: paths: concatStringsSep ":" (map (path: "${path}/${subDir}") (filter (x: x != null) paths));
  makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (map (getOutput output) pkgs);

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
      count = length list;
      fold = n: if n == count then nul else op (elemAt list n) (fold (n + 1));
    in
    fold 0;

  trimWith =
    { start, end }:
    let
      chars = " \t\r\n";
      regex =
        if start && end then
          "[${chars}]*(.*[^${chars}])[${chars}]*"
        else if start then
          "[${chars}]*(.*)"
        else if end then
          "(.*[^${chars}])[${chars}]*"
        else
          "(.*)";
    in
    s:
    let
      res = match regex s;
    in
    if res != null then builtins.head res else "";
in
{
  inherit
    fileset
    unique
    foldr
    composeExtensions
    getOutput
    makeSearchPath
    makeSearchPathOutput
    stringToCharacters
    ;

  # lib/attrsets.nix
  genAttrs =
    names: f:
    listToAttrs (
      map (name: {
        inherit name;
        value = f name;
      }) names
    );
  # lib/trivial.nix
  isFunction = f: isFunction f || (f ? __functor && isFunction (f.__functor f));
  importTOML = path: builtins.fromTOML (readFile path);
  # lib/fixed-points.nix
  composeManyExtensions = foldr (x: y: composeExtensions x y) (final: prev: { });
  # lib/lists.nix
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  sort = builtins.sort;
  findFirst =
    pred: default: list:
    let
      found = filter pred list;
    in
    if found == [ ] then default else builtins.head found;
  # lib/strings.nix
  concatStringsSep = builtins.concatStringsSep;
  concatMapStrings = f: list: builtins.concatStringsSep "" (map f list);
  concatMapStringsSep =
    sep: f: list:
    builtins.concatStringsSep sep (map f list);
  replaceStrings = builtins.replaceStrings;
  toLower = replaceStrings upperChars lowerChars;
  hasPrefix =
    pref: str:
    if isPath pref then
      throw "lib.strings.hasPrefix: The first argument (${toString pref}) is a path value, but only strings are supported."
    else
      substring 0 (stringLength pref) str == pref;
  splitString =
    sep: s: filter isString (split (escapeRegex (toString sep)) (toString s));
  trim = trimWith {
    start = true;
    end = true;
  };
  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;
  makeBinPath = makeSearchPathOutput "bin" "bin";
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  getLib = getOutput "lib";
}
