package io.openclaw.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The line every command prints for {@code --version}. Picocli does not pass a version provider on to
 * subcommands, so each command names this one. The version comes from {@code version.properties}, which Maven
 * fills in from the pom as it copies the resources: the jar and a run from {@code target/classes} (the tests)
 * print the same version.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  private static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"openclaw " + version()};
  }

  static String version() {
    String version = fromResource();
    return version == null ? "unknown" : version;
  }

  private static String fromResource() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").strip();
      return version.isEmpty() || version.contains("${") ? null : version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
