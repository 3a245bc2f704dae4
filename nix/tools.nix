# The one tool list. The image and the dev shell both take it, so they cannot drift.
{
  pkgs,
  python,
  venv,
  # The helper application, or null when the project is the helper itself.
  helper,
  # The adopter's own programs (nixpkgs packages), after the defaults.
  extraTools,
}:
rec {
  # What a CI job on Forgejo's runner needs: tail (it keeps the job container alive with
  # `tail -f /dev/null`), a shell and the usual utilities, node (JavaScript actions such
  # as checkout), git, uv, and the helper (`ci-image env-check` / `check` in every job).
  defaults = [
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
  ]
  ++ (if helper == null then [ ] else [ helper ]);

  programs = defaults ++ extraTools;

  # Data, not programs: the CA bundle.
  data = [ pkgs.cacert ];

  # PATH order: the venv first, so its python and console scripts (the project's, and
  # those of its dependencies: pytest, nox, ruff...) win over the bare interpreter's.
  all = [
    venv
    python
  ]
  ++ programs
  ++ data;
}
