# A copy of `root` in the store with nothing but `files` (paths relative to `root`) and
# the directories leading to them. Content-addressed: it changes only when those files
# do. A source (builtins.path), not a derivation output, so reading it at evaluation time
# is not import-from-derivation. Only builtins: the tests evaluate it with any Nix.
{
  root,
  name,
  files,
}:
let
  prefix = toString root + "/";
  relative = path: builtins.substring (builtins.stringLength prefix) (builtins.stringLength path) path;
  leadsTo = directory: file: builtins.substring 0 (builtins.stringLength directory + 1) file == directory + "/";
in
builtins.path {
  inherit name;
  path = root;
  filter =
    path: type:
    let
      path' = relative path;
    in
    if type == "directory" then
      builtins.any (leadsTo path') files
    else
      type == "regular" && builtins.elem path' files;
}
