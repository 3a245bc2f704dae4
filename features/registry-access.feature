Feature: Credentials and TLS when talking to a registry
  `push` and `release` take credentials from `--authfile`, from
  `CI_IMAGE_REGISTRY_USER`/`CI_IMAGE_REGISTRY_PASSWORD` (written to a private 0600
  file for skopeo and removed afterwards), from `REGISTRY_AUTH_FILE`, or from the
  containers tools' default auth files. A password never appears on a command line,
  in an error or in `--verbose`. TLS is verified; `--cert-dir DIR` adds a private CA,
  `--insecure` turns verification off (with a warning unless the registry is local).

  @registry-auth
  Scenario: Credentials from the environment reach skopeo as a private file, not on its command line
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports
    And stderr contains "credentials for 127.0.0.1:"
    And stderr contains "CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD"
    And stderr contains "--dest-authfile"
    And stderr contains "/auth.json --dest-tls-verify=false docker-archive:"
    And no output shows the password
    And no temporary file is left

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
  Scenario: The first default auth file that knows the registry is used
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/run/containers/auth.json" with
      """
      {"auths": {"other.example.org": {"auth": "dXNlcjpwYXNz"}}}
      """
    And an auth file ".home/.docker/config.json" with the registry credentials
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains ".home/.docker/config.json (127.0.0.1:"

  @registry
  Scenario: A default auth file that leaves credentials to a helper (Docker Desktop) is no credentials
    Docker Desktop writes `{"auths": {"HOST": {}}, "credsStore": "desktop"}`: the entry
    is a placeholder for a credential helper, which ci-image does not run. Found in a
    default place, it means "no credentials here", not a broken file.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/.docker/config.json" naming the registry, with
      """
      {"auths": {"$REGISTRY": {}}, "credsStore": "desktop"}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains "has an entry '127.0.0.1:"
    And stderr contains "without 'auth' (credential helpers are not run)"
    And stderr contains "--dest-no-creds"

  @registry-auth
  Scenario: A registry that needs credentials says why the helper's placeholder was not used
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file ".home/.docker/config.json" naming the registry, with
      """
      {"auths": {"$REGISTRY": {}}, "credsStore": "desktop"}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "requires authentication and no credentials were found"
    And stderr contains ".home/.docker/config.json has an entry '127.0.0.1:"

  @registry
  Scenario: The same entry in a file named by REGISTRY_AUTH_FILE is an error
    A file the user named is meant to hold the credentials.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "auth.json" naming the registry, with
      """
      {"auths": {"$REGISTRY": {}}, "credsStore": "desktop"}
      """
    And the environment variable "REGISTRY_AUTH_FILE" is "$WORKDIR/auth.json"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "auth.json: auth file entry '127.0.0.1:"
    And stderr contains "has no 'auth' (identity tokens are not supported"

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
    the password would cross the network in clear text.
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

  @registry-auth
  Scenario: No credentials for a registry that requires them
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "requires authentication and no credentials were found"
    And the last command uploaded no blob
    And no temporary file is left

  @registry-auth
  Scenario: An auth file without an entry for the registry says so
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "auth.json" with
      """
      {"auths": {"other.example.org": {"auth": "dXNlcjpwYXNz"}}}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --authfile auth.json"
    Then the exit status is 2
    And stderr is one line containing "(--authfile auth.json, which has no entry for 127.0.0.1:"

  @registry-auth
  Scenario: A wrong password is refused without being shown, even with --verbose
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment holds the registry user with a wrong password
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "authentication to 127.0.0.1:"
    And stderr contains "failed for user 'ci-bot'"
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

  Scenario Outline: A broken auth file is one clear line naming it, never its content
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
      | content                                            | message                                                              |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0"}}}   | auth file entry '127.0.0.1:9': 'auth' does not hold USER:PASSWORD    |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0!"}}}  | auth file entry '127.0.0.1:9': 'auth' is not base64 of USER:PASSWORD |
      | {"auths": {"127.0.0.1:9": "c2VjcmV0"}}             | auth file entry '127.0.0.1:9' is not an object                       |
      | {"auths": {"127.0.0.1:9": {"identitytoken": "x"}}} | auth file entry '127.0.0.1:9' has no 'auth' (identity tokens are not |
      | {"auths": ["c2VjcmV0"]}                            | auth file has no "auths" object                                      |
      | {"auths": {"127.0.0.1:9": {"auth": "c2VjcmV0"}     | auth file is not valid JSON (line                                    |

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
    And stderr contains "is not trusted (unable to get local issuer certificate); pass --cert-dir DIR"
    And the last command uploaded no blob
    And no temporary file is left

  @registry-tls
  Scenario: --insecure skips verification, without a warning for a registry on this machine
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And nothing was printed on stderr
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
      | dir       | message                                             |
      | nowhere   | --cert-dir nowhere is not a directory               |
      | bad-certs | cannot use the certificates in --cert-dir bad-certs |

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
    And the last command made at most 3 requests to the registry

  @registry-token
  Scenario: A wrong password is refused by the token service
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the environment holds the registry user with a wrong password
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "failed for user 'ci-bot' (UNAUTHORIZED bad credentials; credentials from CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD)"
    And no output shows the password

  @registry-token
  Scenario: Without credentials the token service refuses, and the error says where to put them
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "requires authentication and no credentials were found"

  @registry-token
  Scenario: A token service that fails for a moment is retried
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the token service fails 1 times with 503 first
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains "answered HTTP 503 for token from http://127.0.0.1:"
    And stderr contains "UNAVAILABLE try later; retry 1 of 3 in 1 s"

  @registry-token
  Scenario: A token service that answers without a token
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry credentials are in the environment
    And the token service answers without a token
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "the token service of 127.0.0.1:"
    And stderr contains "returned no token"

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
    And stderr contains "check the credentials and their push permission"
    And stderr does not mention a retry
    And no output shows the password
