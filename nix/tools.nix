# The one tool list. The image and the dev shell both take it, so they cannot drift.
{
  pkgs,
  python,
  venv,
}:
rec {
  # What a CI job runs. Forgejo's runner needs tail (it keeps the job container alive
  # with `tail -f /dev/null`), a shell, node (JavaScript actions such as checkout) and git.
  programs = [
    pkgs.bashInteractive
    pkgs.coreutils
    pkgs.findutils
    pkgs.gnugrep
    pkgs.gnused
    pkgs.gnutar
    pkgs.gzip
    pkgs.git
    pkgs.nodejs
    pkgs.uv
    pkgs.skopeo
    pkgs.actionlint
  ]
  # What the test suite drives for real (`nox -s tests` runs unchanged in the image):
  # Nix for evaluation, distribution's `registry` server, openssl for its certificates,
  # util-linux's setpriv to run the CLI as an unprivileged user.
  ++ [
    pkgs.nix
    pkgs.distribution
    pkgs.openssl
    pkgs.util-linux
  ];

  # Data, not programs: the CA bundle.
  data = [ pkgs.cacert ];

  # PATH order: the venv first, so its python and console scripts (nox, behave, ruff,
  # mypy, ...) win over the bare interpreter's.
  all = [
    venv
    python
  ]
  ++ programs
  ++ data;
}
