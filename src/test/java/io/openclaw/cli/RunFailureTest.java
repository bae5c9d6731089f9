package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code openclaw run} that cannot start says why in one line on standard error, with the exit code of its
 * help text, and logs no stack trace: a taken port or a bad host is the operator's to fix, not a bug.
 */
class RunFailureTest {
  @TempDir
  Path dir;

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  private record Run(int exitCode, String out, String err) {
  }

  @BeforeEach
  void captureLog() {
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    root.detachAppender(log);
    log.stop();
  }

  private Run run(String yaml) throws Exception {
    Path config = Files.writeString(dir.resolve("node.yaml"), yaml);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = new CommandLine(new OpenClawCommand())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("run", "--config", config.toString());
    return new Run(exitCode, out.toString(), err.toString());
  }

  private void assertNoErrorLogged() {
    assertThat(log.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    assertThat(log.list).allMatch(event -> event.getThrowableProxy() == null);
  }

  @Test
  void aTakenPortIsOneLineNamingTheAddressAndExitCode1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      Run run = run("""
          http: {host: 127.0.0.1, port: %d, event_loops: 1}
          cluster: {shards: 1}
          """.formatted(port));

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("openclaw: cannot listen on 127.0.0.1:" + port + ": Address already in use"
          + System.lineSeparator());
      assertThat(run.out()).isEmpty();
      assertNoErrorLogged();
    }
  }

  @Test
  void anInvalidHostIsInvalidConfigurationNamingTheKey() throws Exception {
    Run run = run("http: {host: 999.1.1.1, port: 0}\n");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("openclaw: invalid configuration: http.host must be a host name or an IP "
        + "address, not '999.1.1.1' (each number of an IPv4 address is from 0 to 255)" + System.lineSeparator());
    assertNoErrorLogged();
  }
}
