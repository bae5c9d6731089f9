package io.openclaw.cli;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Reads a node's address from the command line. {@link URI} takes any digits for a port, and the HTTP client
 * only objects when a request is built; a bad address is refused here, before the command starts.
 */
final class NodeUrls {
  private NodeUrls() {
  }

  /**
   * The address without a trailing slash: http or https, a host, and a port from 1 to 65535 or none.
   *
   * @throws IllegalArgumentException with a one-line message that names the address and what is wrong with it
   */
  static URI base(String value) {
    URI base;
    try {
      base = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + value + "' is not a URL: " + e.getReason() + " at index "
          + e.getIndex());
    }
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
      throw new IllegalArgumentException("'" + value + "' is not an HTTP URL; expected http://HOST:PORT");
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException("'" + value + "' has no valid host and port; expected http://HOST:PORT");
    }
    if (base.getPort() == 0 || base.getPort() > 65535) {
      throw new IllegalArgumentException("'" + value + "' has port " + base.getPort()
          + "; a port must be from 1 to 65535");
    }
    return base;
  }
}
