# The CI image. `tag = null`: dockerTools tags it with the Nix hash of its config
# derivation (passthru.imageTag), so the tag changes exactly when an input changes.
# Nothing here may vary per commit: fixed timestamps, no commit id, no path to the source.
{
  pkgs,
  lib,
  project,
  python,
  tools,
  inputs,
}:
let
  inherit (pkgs) dockerTools;

  epoch = "1970-01-01T00:00:01Z";

  # Written by dockerTools.caCertificates.
  caBundle = "/etc/ssl/certs/ca-bundle.crt";

  # Binaries from PyPI's manylinux wheels (ruff, zizmor, compiled extensions), which
  # `ci-image env-check --fallback` installs with `uv sync` when the image is stale, are
  # built for FHS systems: their ELF interpreter is at a fixed path, per architecture
  # (PEP 599's platforms), and they load libgcc_s, libstdc++, libz... from the system's
  # library path. Nix binaries need neither. The image links nixpkgs' own loader (the one
  # every Nix binary here uses) where manylinux binaries look for it.
  system = pkgs.stdenv.hostPlatform.system;
  loaderPaths = {
    x86_64-linux = "lib64/ld-linux-x86-64.so.2";
    aarch64-linux = "lib/ld-linux-aarch64.so.1";
  };
  loader =
    loaderPaths.${system} or (throw "nix/image.nix: where do manylinux binaries look for the loader on ${system}?");

  # That loader searches only glibc's own lib directory. The libraries PEP 599 lets a
  # manylinux2014 wheel link against (nixpkgs' list), and zlib, which PEP 599 leaves to the
  # wheel but many wheels expect from the system, are named in a variable of their own: a
  # global LD_LIBRARY_PATH would reach every Nix binary of the image. The fallback hands
  # it on as LD_LIBRARY_PATH to the steps that run in its venv (src/ci_image/fallback.py).
  wheelLibraries = lib.unique (pkgs.pythonManylinuxPackages.manylinux2014 ++ [ pkgs.zlib ]);

  environment = {
    PATH = "${lib.makeBinPath tools.all}:/bin:/usr/bin";
    HOME = "/root";
    LANG = "C.UTF-8";
    SSL_CERT_FILE = caBundle;
    NIX_SSL_CERT_FILE = caBundle;
    GIT_SSL_CAINFO = caBundle;
    UV_NO_SYNC = "1";
    UV_PYTHON_DOWNLOADS = "never";
    UV_PYTHON = python.interpreter;
    # The sha256 of the dependency files the image was built from (nix/inputs.nix), so a
    # job can tell whether its checkout matches the image (src/ci_image/inputs.py).
    CI_IMAGE_INPUTS = inputs.digest;
    CI_IMAGE_INPUT_FILES = inputs.perFile;
    CI_IMAGE_WHEEL_LIBRARY_PATH = lib.makeLibraryPath wheelLibraries;
  };
in
dockerTools.buildLayeredImage {
  name = project.image;
  tag = null;
  created = epoch;
  mtime = epoch;

  # Linked into the image's root: /bin/sh, /usr/bin/env, the CA bundle in /etc/ssl,
  # /etc/passwd and /etc/group (root and nobody), and the programs under /bin for
  # scripts that hard-code /bin/bash. The venv is reached through PATH.
  contents = [
    dockerTools.binSh
    dockerTools.usrBinEnv
    dockerTools.caCertificates
    dockerTools.fakeNss
  ]
  ++ tools.programs;

  # Runs in the customisation layer's root: relative paths. dockerTools creates no /tmp.
  extraCommands = ''
    mkdir -p tmp var/tmp root ${dirOf loader}
    chmod 1777 tmp var/tmp
    chmod 0700 root
    ln -s ${pkgs.stdenv.cc.bintools.dynamicLinker} ${loader}
  '';

  config = {
    # Root: a job container that is not root cannot run actions/checkout.
    User = "0:0";
    Cmd = [ "/bin/bash" ];
    Env = map (name: "${name}=${environment.${name}}") (builtins.attrNames environment);
    Labels = {
      "org.opencontainers.image.title" = project.name;
      "org.opencontainers.image.description" = project.description;
      "org.opencontainers.image.licenses" = project.license;
      "org.opencontainers.image.source" = project.source;
    };
  };
}
