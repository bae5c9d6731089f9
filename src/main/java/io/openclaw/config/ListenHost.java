package io.openclaw.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the form of {@code http.host} when the config is read. A host the resolver cannot take (such as
 * {@code 999.1.1.1}) would otherwise only fail when the server binds, as a start failure far from the key.
 * Only the form is checked and no name is looked up, so a well-formed name that does not resolve still fails
 * when the node starts.
 */
final class ListenHost {
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  /**
   * Hex digits, colons and an embedded IPv4 tail, led by a hex digit or a colon: only such a string is parsed
   * by the JDK as a literal, never looked up. A zone id after '%' is left to the JDK.
   */
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
  private static final Pattern NAME_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
  private static final int MAX_NAME_LENGTH = 253;

  private ListenHost() {
  }

  /** Why {@code host} cannot be an address to listen on, or null when its form is right. */
  static String problem(String host) {
    if (host.isBlank()) {
      return "must be a host name or an IP address, not empty";
    }
    String why;
    if (host.startsWith("[") || IPV6_CHARACTERS.matcher(host).matches() && host.contains(":")) {
      why = ipv6Problem(host);
    } else if (DIGITS_AND_DOTS.matcher(host).matches()) {
      why = ipv4Problem(host);
    } else {
      why = nameProblem(host);
    }
    return why == null ? null : "must be a host name or an IP address, not '" + host + "' (" + why + ")";
  }

  private static String ipv4Problem(String host) {
    Matcher octets = IPV4.matcher(host);
    if (!octets.matches()) {
      return "an IPv4 address is four numbers separated by dots";
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(octets.group(i)) > 255) {
        return "each number of an IPv4 address is from 0 to 255";
      }
    }
    return null;
  }

  /** An IPv6 address, bare or in brackets, as in {@code ::1} or {@code [::1]}. */
  private static String ipv6Problem(String host) {
    String address = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return IPV6_CHARACTERS.matcher(address).matches() && isLiteral(address) ? null : "not a valid IPv6 address";
  }

  private static boolean isLiteral(String address) {
    try {
      InetAddress.getByName(address);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String nameProblem(String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.length() > MAX_NAME_LENGTH) {
      return "a host name is at most " + MAX_NAME_LENGTH + " characters";
    }
    for (String label : name.split("\\.", -1)) {
      if (!NAME_LABEL.matcher(label).matches()) {
        return "a host name is labels of 1-63 letters, digits, '-' or '_', separated by dots";
      }
    }
    return null;
  }
}
