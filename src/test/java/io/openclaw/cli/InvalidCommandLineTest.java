package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A bad address or client id is an invalid command line: exit 3 and a message, before any request is sent. */
class InvalidCommandLineTest {
  /** Nothing listens here; a command that got past its checks would fail to connect instead. */
  private static final String CLOSED = "http://127.0.0.1:19500";

  private record Run(int exitCode, String out, String err) {
    String firstErrorLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  private static Run openclaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = new CommandLine(new OpenClawCommand())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static void assertRefused(Run run, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.firstErrorLine()).isEqualTo(message);
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void healthcheckRefusesAPortOutOfRange() {
    assertRefused(openclaw("healthcheck", "--url", "http://127.0.0.1:99999"),
        "--url: 'http://127.0.0.1:99999' has port 99999; a port must be from 1 to 65535");
    assertRefused(openclaw("healthcheck", "--url", "http://127.0.0.1:0/"),
        "--url: 'http://127.0.0.1:0/' has port 0; a port must be from 1 to 65535");
  }

  @Test
  void healthcheckRefusesAnAddressThatIsNotHttp() {
    assertRefused(openclaw("healthcheck", "--url", "ftp://127.0.0.1:21"),
        "--url: 'ftp://127.0.0.1:21' is not an HTTP URL; expected http://HOST:PORT");
    assertRefused(openclaw("healthcheck", "--url", "http:///health"),
        "--url: 'http:///health' has no valid host and port; expected http://HOST:PORT");
    assertRefused(openclaw("healthcheck", "--url", "not a url"),
        "--url: 'not a url' is not a URL: Illegal character in path at index 3");
  }

  @Test
  void verifySyncRefusesAPortOutOfRange() {
    assertRefused(openclaw("verify-sync", "--endpoints", CLOSED + ",http://127.0.0.1:99999"),
        "--endpoints: 'http://127.0.0.1:99999' has port 99999; a port must be from 1 to 65535");
  }

  @Test
  void verifySyncRefusesAnEmptyOrOverlongClientId() {
    assertRefused(openclaw("verify-sync", "--endpoints", CLOSED, "--client-id", ""),
        "--client-id must be 1 to 256 bytes of UTF-8, not empty");
    assertRefused(openclaw("verify-sync", "--endpoints", CLOSED, "--client-id", "é".repeat(129)),
        "--client-id must be 1 to 256 bytes of UTF-8, not 258 bytes");
  }

  @Test
  void aPortThatIsLeftOutOrInRangeIsAccepted() {
    assertThat(NodeUrls.base("https://node.example/").toString()).isEqualTo("https://node.example");
    assertThat(NodeUrls.base("http://127.0.0.1:65535").getPort()).isEqualTo(65535);
    assertThat(NodeUrls.base("http://127.0.0.1:1").getPort()).isEqualTo(1);
  }
}
