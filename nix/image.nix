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
    mkdir -p tmp var/tmp root
    chmod 1777 tmp var/tmp
    chmod 0700 root
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
