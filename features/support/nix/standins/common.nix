# What every stand-in file shares: a strict function wrapper and derivation-like values.
let
  inherit (builtins)
    attrNames
    concatStringsSep
    elem
    filter
    hashString
    isAttrs
    substring
    toJSON
    typeOf
    ;
in
rec {
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
  # input changes, as a real input-addressed path does. `overrideAttrs` is
  # stdenv.mkDerivation's (pkgs/stdenv/generic/make-derivation.nix): `old: { ... }` or
  # `final: prev: { ... }`, merged over the record.
  mkDrv = name: record: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/${fakeHash (toJSON { inherit name record; })}-${name}";
    standIn = record;
    overrideAttrs =
      f:
      let
        applied = f record;
        changes = if builtins.isFunction applied then applied record else applied;
      in
      mkDrv name (record // changes);
  };
}
