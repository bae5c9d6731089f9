package io.openclaw.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/** Words for why a command's HTTP call to a node got no answer, for its one-line output. */
final class HttpFailures {
  private HttpFailures() {
  }

  static String describe(IOException e, long timeoutMillis) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + timeoutMillis + " ms";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + timeoutMillis + " ms";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
