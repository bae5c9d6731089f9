package io.openclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import picocli.CommandLine;

/** Every command answers {@code --version} and {@code -V} with the version in the pom, and exits 0. */
class VersionTest {
  private record Run(int exitCode, String out, String err) {
  }

  private static Run openclaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = new CommandLine(new OpenClawCommand())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  /** The project's own version, read from pom.xml, so that the test needs no change when it moves. */
  private static String pomVersion() throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
        .getDocumentElement();
    for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
      if ("version".equals(child.getNodeName())) {
        return child.getTextContent().strip();
      }
    }
    throw new AssertionError("pom.xml has no project version");
  }

  /** The top command and every subcommand but help, which has no version option. */
  private static List<List<String>> commands() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of());
    new CommandLine(new OpenClawCommand()).getSubcommands().keySet().stream()
        .filter(name -> !name.equals("help"))
        .forEach(name -> commands.add(List.of(name)));
    return commands;
  }

  @Test
  void everyCommandPrintsTheProjectVersion() throws Exception {
    String expected = "openclaw " + pomVersion();
    List<List<String>> commands = commands();
    assertThat(commands).contains(List.of("run"), List.of("healthcheck"), List.of("verify-sync"));

    for (List<String> command : commands) {
      for (String option : new String[] {"--version", "-V"}) {
        List<String> args = new ArrayList<>(command);
        args.add(option);
        Run run = openclaw(args.toArray(String[]::new));

        assertThat(run.exitCode()).as("exit code of %s", args).isZero();
        assertThat(run.out()).as("output of %s", args).isEqualTo(expected + System.lineSeparator());
        assertThat(run.err()).as("errors of %s", args).isEmpty();
      }
    }
  }

  @Test
  void theVersionIsARealOne() throws Exception {
    assertThat(VersionProvider.version()).isEqualTo(pomVersion()).doesNotContain("${");
  }
}
