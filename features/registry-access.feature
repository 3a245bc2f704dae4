Feature: Credentials and TLS when talking to a registry
  Every registry question and upload goes through skopeo, so credentials and TLS work
  as in podman and the other containers tools: `--authfile FILE`, `REGISTRY_AUTH_FILE`,
  the default auth files (`$XDG_RUNTIME_DIR/containers/auth.json`,
  `~/.config/containers/auth.json`, `~/.docker/config.json`), a credential helper named
  per registry under `credHelpers` or in registries.conf's `credential-helpers`
  (`docker-credential-NAME` on PATH), and ci-image's own route for CI secrets:
  `CI_IMAGE_REGISTRY_USER`/`CI_IMAGE_REGISTRY_PASSWORD`, written to a private 0600 file
  for skopeo and removed afterwards. A password or token never appears on a command line,
  in a child's environment, in an error (even one a registry echoes back), in `--verbose`
  or in a file left behind. TLS is verified; `--cert-dir DIR` adds a private CA and
  client certificates, `--insecure` turns verification off (with a warning unless the
  registry is local).

  @registry-auth
  Scenario: Credentials from the environment reach skopeo as a private file, not on its command line
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports
    And stderr contains "credentials for 127.0.0.1:"
    And stderr contains "CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD (a private auth file)"
    And stderr contains "--dest-authfile"
    And stderr contains "/auth.json --dest-tls-verify=false docker://127.0.0.1:"
    And no output shows the password
    And no temporary file is left
    And no file in the scenario holds the password, but the test's own auth file

  @registry-auth
  Scenario: Credentials from --authfile
    Given an image archive "image.tar" tagged "ci-image:v1"
    And an auth file "secrets/auth.json" with the registry credentials
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --authfile secrets/auth.json"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry-auth
  Scenario Outline: An auth file entry for the registry, its namespace or the repository
    Given an image archive "image.tar" tagged "ci-image:v1"
    And an auth file "auth.json" with the registry credentials under the key "<key>"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --authfile auth.json"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

    Examples:
      | key                  |
      | $REGISTRY            |
      | $REGISTRY/ci         |
      | $REGISTRY/ci/image   |
      | http://$REGISTRY/v1/ |

  @registry-auth
  Scenario: Credentials from REGISTRY_AUTH_FILE
    Given an image archive "image.tar" tagged "ci-image:v1"
    And an auth file "auth.json" with the registry credentials
    And the environment variable "REGISTRY_AUTH_FILE" is "$WORKDIR/auth.json"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry-auth
  Scenario: Credentials from the default auth file of podman login
    Given an image archive "image.tar" tagged "ci-image:v1"
    And an auth file ".home/run/containers/auth.json" with the registry credentials
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry-auth
  Scenario: The first default auth file that knows the registry is used, and --verbose names it
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/run/containers/auth.json" with
      """
      {"auths": {"other.example.org": {"auth": "dXNlcjpwYXNz"}}}
      """
    And an auth file ".home/.docker/config.json" with the registry credentials
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains "credential helper containers-auth.json in file /"
    And stderr contains "/.home/.docker/config.json"
    And no output shows the password

  @registry-auth
  Scenario Outline: A credential helper named in credHelpers is run, and its secret never shown
    `{"credHelpers": {"HOST": "NAME"}}` makes skopeo run `docker-credential-NAME get`
    from PATH; here a small script that answers with the registry's user and password.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a credential helper "citest" on the PATH that answers with the registry credentials
    And an auth file "<file>" naming the credential helper "citest" for the registry
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose <option>"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports
    And the credential helper "citest" was asked for "$REGISTRY"
    And no output shows the password
    And no temporary file is left

    Examples:
      | file                      | option                        |
      | helper-auth.json          | --authfile helper-auth.json   |
      | .home/.docker/config.json |                               |

  @registry-auth
  Scenario: A credential helper named in registries.conf's credential-helpers is run
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a credential helper "citest" on the PATH that answers with the registry credentials
    And the user's registries.conf names the credential helper "citest"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And the credential helper "citest" was asked for "$REGISTRY"
    And no output shows the password

  @registry-auth
  Scenario: Docker Desktop's credsStore is not read by the containers tools: the error says what to write instead
    Docker Desktop writes `{"auths": {"HOST": {}}, "credsStore": "desktop"}`. skopeo, as
    podman, reads credential helpers only per registry (`credHelpers`).
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/.docker/config.json" naming the registry, with
      """
      {"auths": {"$REGISTRY": {}}, "credsStore": "desktop"}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "unauthorized: authentication required; skopeo found no credentials for it"
    And stderr contains "names the credsStore 'desktop', which skopeo does not read: name the helper for this registry in credHelpers"

  @registry-auth
  Scenario: skopeo and every other program ci-image starts get no registry password
    The password reaches skopeo only in the private 0600 auth file, never through the
    environment it passes on. (A recording skopeo stands first on PATH: what is under
    test is how ci-image starts it.)
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And a skopeo first on the PATH that writes its environment to ".home/skopeo-env", then runs skopeo
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And ".home/skopeo-env" shows skopeo ran in the private directory, without the registry credentials

  @registry-token-tls
  Scenario: A token service on plain HTTP gets no password unless --insecure
    The registry speaks HTTPS but sends clients to a token service on plain HTTP, where
    skopeo would send the password in clear text. ci-image asks the registry once,
    anonymously, where it sends clients, and refuses.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir $CERTS"
    Then the exit status is 2
    And stderr is one line containing "sends clients to the token service http://127.0.0.1:"
    And stderr contains ", which is plain HTTP: the credentials (or the token) would cross the network unencrypted"
    And the token service was asked nothing
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir $CERTS --insecure"
    Then it succeeds
    And the token service was asked by "ci-bot" for "repository:ci/image:pull"

  @registry-token-tls
  Scenario: A registry whose CA only SSL_CERT_FILE names is asked too
    ci-image first trusts the system's directory of CAs, read one issuer at a time (the
    whole bundle takes ~35 ms to load); a registry it cannot verify that way is asked
    again with every CA the system names, as skopeo trusts them.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the environment variable "SSL_CERT_FILE" is "$CERTS/ca.crt"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image"
    Then the exit status is 2
    And stderr is one line containing "sends clients to the token service http://127.0.0.1:"
    And the token service was asked nothing

  @registry-auth
  Scenario Outline: No usable credentials for a registry that requires them
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "auth.json" with
      """
      {"auths": {"other.example.org": {"auth": "dXNlcjpwYXNz"}}}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure <option>"
    Then the exit status is 2
    And stderr is one line containing "unauthorized: authentication required; skopeo found no credentials for it: set CI_IMAGE_REGISTRY_USER and CI_IMAGE_REGISTRY_PASSWORD, pass --authfile FILE"
    And the last command uploaded no blob
    And no temporary file is left

    Examples:
      | option               |
      |                      |
      | --authfile auth.json |

  @registry-auth
  Scenario: A wrong password is refused without being shown, even with --verbose
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment holds the registry user with a wrong password
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "unauthorized: authentication required; check the credentials (from CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD) and their permission"
    And no output shows the password
    And the last command uploaded no blob
    And no temporary file is left

  Scenario Outline: Half-set credential variables are an error before anything is sent
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment variable "<name>" is "<value>"
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | name                       | value   | message                                                                       |
      | CI_IMAGE_REGISTRY_USER     | ci-bot  | CI_IMAGE_REGISTRY_PASSWORD is not set but CI_IMAGE_REGISTRY_USER is: set both |
      | CI_IMAGE_REGISTRY_PASSWORD | hunter2 | CI_IMAGE_REGISTRY_USER is not set but CI_IMAGE_REGISTRY_PASSWORD is           |
      | CI_IMAGE_REGISTRY_USER     | a:b     | CI_IMAGE_REGISTRY_PASSWORD is not set                                         |

  Scenario: An empty password variable (a missing CI secret) is an error
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment variable "CI_IMAGE_REGISTRY_USER" is "ci-bot"
    And the environment variable "CI_IMAGE_REGISTRY_PASSWORD" is empty
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "CI_IMAGE_REGISTRY_PASSWORD is empty but CI_IMAGE_REGISTRY_USER is"

  Scenario: A user name with a colon cannot be sent
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment variable "CI_IMAGE_REGISTRY_USER" is "a:b"
    And the environment variable "CI_IMAGE_REGISTRY_PASSWORD" is "hunter2"
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "CI_IMAGE_REGISTRY_USER contains ':'"
    And "hunter2" appears in no output

  Scenario Outline: A broken auth file the user named is one clear line naming it, never its content
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "auth.json" with
      """
      <content>
      """
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure --authfile auth.json"
    Then the exit status is 2
    And stderr is one line containing "auth.json: <message>"
    And "c2VjcmV0" appears in no output

    Examples:
      | content                                               | message                                                              |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0"}}}      | auth file entry '127.0.0.1:9': 'auth' does not hold USER:PASSWORD    |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0!"}}}     | auth file entry '127.0.0.1:9': 'auth' is not base64 of USER:PASSWORD |
      | {"auths": {"127.0.0.1:9": "c2VjcmV0"}}                | auth file entry '127.0.0.1:9' is not an object                       |
      | {"auths": ["c2VjcmV0"]}                               | auth file has no "auths" object                                      |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0"}        | auth file is not valid JSON (line                                    |
      | ["c2VjcmV0"]                                          | auth file is not a JSON object                                       |
      | {"auths": {}, "credHelpers": {"127.0.0.1:9": 7}}      | auth file: "credHelpers" must map registries to helper names         |

  Scenario: A missing auth file
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure --authfile nowhere.json"
    Then the exit status is 2
    And stderr is one line containing "nowhere.json: auth file does not exist"

  Scenario: An auth file that is not text
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure --authfile image.tar"
    Then the exit status is 2
    And stderr is one line containing "image.tar: cannot read the auth file: not UTF-8"

  @registry-tls
  Scenario: A registry with a private CA, given with --cert-dir
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir $CERTS"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports
    And the pinned reference printed can be inspected with skopeo

  @registry-tls
  Scenario: A registry whose CA is unknown is refused
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image"
    Then the exit status is 2
    And stderr is one line containing "the TLS certificate of 127.0.0.1:"
    And stderr contains "is not trusted (certificate signed by unknown authority); pass --cert-dir DIR"
    And the last command uploaded no blob
    And no temporary file is left

  @registry-tls
  Scenario: --insecure skips verification, without a warning for a registry on this machine
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stderr is one line containing "ci-image: pushed 127.0.0.1:"
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry-tls
  Scenario Outline: A --cert-dir that cannot be used
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "bad-certs/ca.crt" with
      """
      not a certificate
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir <dir>"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | dir       | message                                                  |
      | nowhere   | --cert-dir nowhere is not a directory                    |
      | bad-certs | is not trusted (certificate signed by unknown authority) |

  @registry-token
  Scenario: A registry that hands out bearer tokens: the password goes to its token service only
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports
    And the token service was asked by "ci-bot" for "repository:ci/image:pull"
    And no output shows the password
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And the last command uploaded no blob
    And the last command made at most 4 requests to the registry

  @registry-token
  Scenario: A wrong password is refused by the token service
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment holds the registry user with a wrong password
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "unable to retrieve auth token: invalid username/password: unauthorized: bad credentials; check the credentials"
    And no output shows the password

  @registry-token
  Scenario: Without credentials the token service refuses, and the error says where to put them
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "skopeo found no credentials for it: set CI_IMAGE_REGISTRY_USER and CI_IMAGE_REGISTRY_PASSWORD"

  @registry-token
  Scenario: A token service that fails for a moment is retried
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the token service fails 1 times with 503 first
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains "Requesting bearer token: invalid status code from registry 503 (Service Unavailable); check that the registry is up, then run again; retry 1 of 3 in 1 s"

  @registry-token
  Scenario: A token service that answers without a token
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the token service answers without a token
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "asking 127.0.0.1:"
    And stderr contains "about ci/image:v1 failed: invalid character"

  @registry-mtls
  Scenario: A registry that wants a client certificate gets the one in --cert-dir
    --cert-dir follows containers-certs.d: *.crt are CAs, *.cert with its *.key a client
    certificate. The registry accepts only clients with a certificate from its CA.
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir $CERTS"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry-mtls
  Scenario: Without the client certificate the TLS handshake fails, clearly
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a directory "ca-only" with only the registry's CA certificate
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --cert-dir ca-only"
    Then the exit status is 2
    And stderr is one line containing "; check its certificate and --cert-dir"

  @registry-token
  Scenario: A token that may pull but not push: the push is refused, and not retried
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the token service grants pull but not push
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "invalid status code from registry 403 (Forbidden); check the credentials"
    And stderr contains "and their permission to push and pull"
    And stderr does not mention a retry
    And no output shows the password

  @registry-auth
  Scenario Outline: A registry that echoes the credentials it got has them redacted, in every form
    A registry or proxy may quote the Authorization header back in its error body (here
    HTTP 403 "you sent Basic ... i.e. USER:PASSWORD"), and skopeo prints that body. Each
    secret in play is replaced by *** before anything is shown: the password, the user
    with it, and their base64 form, whichever route they came by.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a server on $FRONT that echoes the credentials it gets in an HTTP 403 body
    And <route>
    When I run "ci-image push image.tar --to $FRONT/ci/image --insecure --retries 0 --verbose <option>"
    Then the exit status is 2
    And stderr contains "denied: you sent Basic *** i.e. ***"
    And no output shows the password
    And no output shows the password in base64

    Examples:
      | route                                                                                                | option                 |
      | the registry credentials are in the environment                                                      |                        |
      | an auth file "auth.json" with the registry credentials for $FRONT                                    | --authfile auth.json   |
      | a credential helper "citest" named for $FRONT in "helper.json", with the registry credentials | --authfile helper.json |

  @registry-tls
  Scenario: A private CA in ~/.config/containers/certs.d/HOST works without --cert-dir, as for podman
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry's CA certificate is in ".home/.config/containers/certs.d/$REGISTRY"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry
  Scenario Outline: A broken default auth file stops skopeo, and the error names it
    skopeo reads ~/.docker/config.json for every registry: a file it cannot read is an
    error there, whichever registry is asked.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/.docker/config.json" with
      """
      <content>
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "getting username and password: 1 error occurred: * reading JSON file"
    And stderr contains ".home/.docker/config.json"
    And stderr contains "fix or move that auth file: skopeo reads it for every registry"

    Examples:
      | content  |
      | not json |
      | ["x"]    |

  @registry
  Scenario: A default auth file that is not text stops skopeo, and the error names it
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/.docker/config.json" holding the bytes "fffe" and then some
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "reading JSON file"
    And stderr contains "fix or move that auth file"
