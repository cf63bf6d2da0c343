package io.niotls.cli.client;

import io.niotls.context.OcspResponse;
import io.niotls.engine.SessionInfo;
import java.io.PrintStream;

/** Prints the OCSP response a server stapled, as {@code openssl s_client -status} does. */
public final class OcspStatus {
  private OcspStatus() {}

  /** The response's size and what it says, indented, then a separator line; or that none came. */
  public static void print(PrintStream err, SessionInfo info) {
    OcspResponse response = info.ocspResponse();
    if (response == null) {
      err.println("OCSP response: no response sent");
    } else {
      err.println("OCSP response: " + response.length() + " bytes");
      for (String line : response.describe().split("\n")) {
        err.println("    " + line);
      }
    }
    err.println("---");
    err.flush();
  }
}
