# The CI image. `tag = null`: dockerTools tags it with the Nix hash of its config
# derivation (passthru.imageTag), so the tag changes exactly when an input changes.
# Nothing here may vary per commit: fixed timestamps, no commit id, no path to the source.
{
  pkgs,
  project,
  tools,
  environment,
}:
let
  inherit (pkgs) dockerTools;

  epoch = "1970-01-01T00:00:01Z";

  # Binaries from PyPI's manylinux wheels, which the fallback installs when the image is
  # stale, are built for FHS systems: their ELF interpreter is at a fixed path, per
  # architecture (PEP 599's platforms). Nix binaries need none. The image links nixpkgs'
  # own loader (the one every Nix binary here uses) where manylinux binaries look for it.
  system = pkgs.stdenv.hostPlatform.system;
  loaderPaths = {
    x86_64-linux = "lib64/ld-linux-x86-64.so.2";
    aarch64-linux = "lib/ld-linux-aarch64.so.1";
  };
  loader =
    loaderPaths.${system} or (throw "nix/image.nix: where do manylinux binaries look for the loader on ${system}?");
in
dockerTools.buildLayeredImage {
  name = project.image;
  tag = null;
  created = epoch;
  mtime = epoch;
  # An uncompressed docker-archive (NAME.tar): skopeo compresses every layer again when
  # it pushes, so compressing here (dockerTools' default, gz) only costs the build its
  # time and the push a decompression of each layer it reads (ci/README.md,
  # "Publishing": 5.2 s against 3.2-3.4 s for a first push of 420 MB). The price is a
  # store path of the uncompressed size. `ciImage.override { compressor = "gz"; }` gives
  # the default back.
  compressor = "none";

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
