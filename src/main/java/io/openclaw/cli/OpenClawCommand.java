package io.openclaw.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code openclaw} command line. */
@Command(
    name = "openclaw",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    versionProvider = VersionProvider.class,
    description = "Distributed token-bucket rate limiter.",
    subcommands = {RunCommand.class, HealthcheckCommand.class, VerifySyncCommand.class,
        CommandLine.HelpCommand.class})
public final class OpenClawCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OpenClawCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
