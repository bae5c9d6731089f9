package io.openclaw.cli;

import io.openclaw.config.ConfigException;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.http.ListenException;
import io.openclaw.node.OpenClawNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openclaw run}: starts a node and serves until the process is stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    exitCodeOnInvalidInput = 3,
    description = "Start a rating node. Without --config it runs the embedded default: one standalone node "
        + "with sync disabled on port 8080.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "1:the node failed to start (e.g. its HTTP port is taken; the message names host:port)",
        "2:invalid configuration (the message names the key)",
        "3:invalid command line"})
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final int NOT_STARTED = 1;
  private static final int INVALID_CONFIG = 2;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config file, e.g. conf/openclaw.yaml")
  Path config;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    OpenClawConfig settings;
    try {
      ConfigLoader loader = ConfigLoader.withSystemEnv();
      settings = config == null ? loader.defaults() : loader.load(config);
    } catch (ConfigException e) {
      return fail("invalid configuration: " + e.getMessage(), INVALID_CONFIG);
    }
    LogSetup.apply(settings.logging());
    if (config == null) {
      LOG.info("No --config given, running the embedded default configuration");
    }

    CountDownLatch started = new CountDownLatch(1);
    OpenClawNode[] node = new OpenClawNode[1];
    Throwable[] failure = new Throwable[1];
    OpenClawNode.start(settings).onComplete(result -> {
      node[0] = result.result();
      failure[0] = result.cause();
      started.countDown();
    });
    started.await();
    if (failure[0] instanceof ConfigException) {
      return fail("invalid configuration: " + failure[0].getMessage(), INVALID_CONFIG);
    }
    if (failure[0] instanceof ListenException) {
      return fail(failure[0].getMessage(), NOT_STARTED);
    }
    if (failure[0] != null) {
      LOG.error("OpenClaw node failed to start: {}", failure[0].toString(), failure[0]);
      return NOT_STARTED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node[0]), "openclaw-shutdown"));
    new CountDownLatch(1).await();
    return 0;
  }

  /** One line on standard error, for a failure the operator fixes in the machine or the config. */
  private int fail(String message, int exitCode) {
    spec.commandLine().getErr().println("openclaw: " + message);
    spec.commandLine().getErr().flush();
    return exitCode;
  }

  private static void stop(OpenClawNode node) {
    try {
      node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("OpenClaw node did not stop cleanly: {}", e.toString());
    }
  }
}
