# The variables of the image and of the dev shell, and the adopter's extraEnv on top.
{
  lib,
  pkgs,
  python,
  venv,
  tools,
  inputs,
  # The adopter's variables: strings, and none the image sets itself.
  extraEnv,
}:
let
  # Written by dockerTools.caCertificates.
  caBundle = "/etc/ssl/certs/ca-bundle.crt";

  # PyPI's manylinux wheels (ruff, zizmor, compiled extensions), which `ci-image env-check
  # --fallback` installs with `uv sync` when the image is stale, load libgcc_s,
  # libstdc++, libz... from the system's library path. The libraries PEP 599 lets a
  # manylinux2014 wheel link against (nixpkgs' list), and zlib, which PEP 599 leaves to the
  # wheel but many wheels expect from the system, are named in a variable of their own: a
  # global LD_LIBRARY_PATH would reach every Nix binary of the image. The fallback hands
  # it on as LD_LIBRARY_PATH to the steps that run in its venv.
  wheelLibraries = lib.unique (pkgs.pythonManylinuxPackages.manylinux2014 ++ [ pkgs.zlib ]);

  # How uv and Python tools find the environment: the venv is uv's project environment
  # (`uv run` uses it as it is: no sync, no .venv), the interpreter is the Nix one, never a
  # download. The venv is read-only: nothing syncs into it (`ci-image env-check
  # --fallback` builds a venv of its own and points UV_PROJECT_ENVIRONMENT there).
  uv = {
    UV_NO_SYNC = "1";
    UV_PYTHON_DOWNLOADS = "never";
    UV_PYTHON = python.interpreter;
    UV_PROJECT_ENVIRONMENT = "${venv}";
    VIRTUAL_ENV = "${venv}";
  };

  image = uv // {
    PATH = "${lib.makeBinPath tools.all}:/bin:/usr/bin";
    HOME = "/root";
    LANG = "C.UTF-8";
    SSL_CERT_FILE = caBundle;
    NIX_SSL_CERT_FILE = caBundle;
    GIT_SSL_CAINFO = caBundle;
    CI_IMAGE_WHEEL_LIBRARY_PATH = lib.makeLibraryPath wheelLibraries;
    # The sha256 of the files the image was built from (nix/inputs.nix), so a job can
    # tell whether its checkout matches the image (`ci-image env-check`).
    CI_IMAGE_INPUTS = inputs.digest;
    CI_IMAGE_INPUT_FILES = inputs.perFile;
  };

  names = builtins.attrNames extraEnv;
  redefined = builtins.filter (name: image ? ${name}) names;
  notStrings = builtins.filter (name: !builtins.isString extraEnv.${name}) names;
  extra =
    if redefined != [ ] then
      throw "flake.nix: extraEnv sets ${lib.concatStringsSep ", " redefined}, which the image sets itself; choose other names"
    else if notStrings != [ ] then
      throw "flake.nix: extraEnv's ${lib.concatStringsSep ", " notStrings} must be a string"
    else
      extraEnv;
in
{
  inherit caBundle;
  image = image // extra;
  shell = uv // extra;
}
