Feature: The flake's outputs
  flake.nix is one call of the library adopters use (nix/lib.nix `mkFlake`): packages,
  apps, dev shells, checks and a formatter for x86_64-linux and aarch64-linux, the
  library itself under `lib`, and `templates.default`. Its `outputs` function is
  evaluated by the real Nix with stand-in inputs that refuse what the real ones do not
  take (features/support/nix/standins.nix).

  Scenario: Every output exists for both systems
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs
    Then for "x86_64-linux" and "aarch64-linux" the flake has packages "ciImage, default, venv, ci-image"
    And for both systems packages.default is packages.ciImage
    And for both systems apps.ci-image runs bin/ci-image of packages.ci-image
    And for both systems devShells has "default"
    And for both systems the checks are "app-runs, image-tag, venv"
    And for both systems the formatter is "nixfmt"
    And the flake's lib has "imageInputs, imageInputsOf, mkCiImage, mkFlake"
    And the flake's default template is the directory "src/ci_image/adopt/template", with a description and a welcome text

  Scenario: The helper runs from its own venv, with nixpkgs' skopeo and git first on PATH
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs
    Then the application "ci-image" execs bin/ci-image of its venv
    And the application's runtime inputs are "skopeo, zstd, git"
    And the application's venv holds the project and its runtime dependencies only

  Scenario: The checks evaluate the tag and test the venv and the helper
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs
    Then the image-tag check is given the image's tag
    And the venv check runs in packages.venv and looks for every name of the venv's spec
    And the venv check fails if the venv's hook finds a checkout in the build sandbox
    And the app-runs check runs ci-image from packages.ci-image and finds skopeo on its PATH

  Scenario: The stand-in image's tag depends on each argument the real tag depends on
    dockerTools' conf derivation, whose hash is the tag, is made from name, created and
    maxLayers, and from the closure of the config and of the customisation layer (contents,
    extraCommands, fakeRootCommands). The stand-in's tag must move with each of them, or a
    scenario that finds "the tag is unchanged" would prove nothing.
    Given a copy of the project
    When the stand-in buildLayeredImage is evaluated again with each of "name, contents, config, extraCommands, fakeRootCommands, created, maxLayers" changed
    Then each change gives the image another tag

  Scenario Outline: The stand-ins refuse what the real functions do not take
    Given a copy of the project
    When the Nix expression "<expression>" is evaluated with the stand-ins
    Then the evaluation fails with "<message>"

    Examples:
      | expression                                                                                       | message                                        |
      | pkgs.dockerTools.buildLayeredImage { name = "x"; tags = null; }                                   | unexpected argument(s) tags                    |
      | pkgs.dockerTools.buildLayeredImage { tag = null; }                                                | missing argument(s) name                       |
      | pkgs.dockerTools.fakeNSS                                                                          | attribute 'fakeNSS' missing                    |
      | pkgs.pythonManylinuxPackages.manylinux2014Libs                                                    | attribute 'manylinux2014Libs' missing          |
      | pkgs.stdenv.cc.bintools.dynamicLinkerPath                                                         | attribute 'dynamicLinkerPath' missing          |
      | pkgs.mkShell { packages = [ ]; shellhook = ""; }                                                  | unexpected argument(s) shellhook               |
      | pkgs.writeShellApplication { name = "x"; text = ""; runtimeDeps = [ ]; }                          | unexpected argument(s) runtimeDeps             |
      | uv2nix.lib.workspace.loadWorkspace { root = root; }                                               | unexpected argument(s) root                    |
      | (uv2nix.lib.workspace.loadWorkspace { workspaceRoot = root; }).mkPyprojectOverlay { }             | No sourcePreference was passed                 |
      | (uv2nix.lib.workspace.loadWorkspace { workspaceRoot = root; }).mkEditablePyprojectOverlay { root = builtins.storeDir + "/x"; } | Editable root was passed as a Nix store path |
      | pkgs.python310                                                                                    | attribute 'python310' missing                  |
      | lib.fileset.toSource { root = root; fileset = lib.fileset.unions [ (root + "/no-such-file") ]; }   | lib.fileset.unions: Element 0                  |
      | lib.fileset.toSource { root = toString root; fileset = root + "/uv.lock"; }                       | `root` (                                        |
      | lib.fileset.maybeMissing "uv.lock"                                                                | is a string-like value, but it should be a path |
      | lib.fileset.toSource { root = root + "/nix"; fileset = root + "/uv.lock"; }                       | which is not under the `root`                  |
      | pyproject-nix.lib.util.filterPythonInterpreters { requires-python = [ ]; interpreters = { }; }    | unexpected argument(s) interpreters            |
      | pyproject-nix.lib.pypa.selectWheels "x86_64-linux" pkgs.python313 [ ]                             | SelectWheel was called with wrong type         |
