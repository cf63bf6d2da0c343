package io.niotls.context;

/** Whether a server asks clients for a certificate. */
public enum ClientAuth {
  NONE,
  /** Asked for; a client without one is still accepted, one with a bad one is refused. */
  OPTIONAL,
  /** Required: a client without a trusted certificate is refused. */
  REQUIRE
}
