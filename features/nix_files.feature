Feature: The Nix files and the flake's lock
  `nix build .#ciImage` cannot run on the development machines (Nix 2.8, no nixpkgs, no
  network). The Nix code is checked with the real Nix wherever that can run: every file
  parses, flake.lock agrees with flake.nix and with the verified revisions in
  features/fixtures/nix/flake-inputs.json, and Nix itself accepts the lock offline.

  Scenario: Every Nix file parses
    When every Nix file of the project is parsed with nix-instantiate
    Then no Nix file has a syntax error

  Scenario: flake.lock locks every input of flake.nix, with one nixpkgs and one pyproject.nix
    When Nix evaluates the inputs of flake.nix
    Then the root of flake.lock locks exactly those inputs
    And every follows in flake.nix is the same follows in flake.lock
    And flake.lock locks one nixpkgs and one pyproject.nix, and nothing else

  Scenario: flake.lock locks exactly the verified revisions
    When Nix evaluates the inputs of flake.nix
    Then every input is locked at the rev, narHash and lastModified of the fixture
    And every input's original in flake.lock is its url in flake.nix

  Scenario: flake.lock is written as Nix writes it, and Nix accepts it without the network
    Then flake.lock is lock format 7, two-space indented JSON with sorted keys and a final newline
    When Nix reads the flake's metadata offline without updating the lock
    Then Nix reports exactly the locks of flake.lock
