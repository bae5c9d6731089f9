package io.openclaw.http;

import java.net.UnknownHostException;

/**
 * The HTTP server could not listen: the port is taken, the address is not one of this machine's, or the host
 * does not resolve. A fault of the machine or the config, not of the code, so the message is the whole story
 * (the address and the reason, e.g. {@code cannot listen on 127.0.0.1:8080: Address already in use}) and the
 * command line prints it without a stack trace.
 */
public final class ListenException extends RuntimeException {
  public ListenException(String host, int port, Throwable cause) {
    super("cannot listen on " + address(host, port) + ": " + reason(cause), cause);
  }

  private static String address(String host, int port) {
    boolean bareIpv6 = host.contains(":") && !host.startsWith("[");
    return (bareIpv6 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The resolver's message lists the DNS queries it tried; what matters is that the name did not resolve. */
  private static String reason(Throwable cause) {
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
