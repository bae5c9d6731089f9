package io.openclaw.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.openclaw.config.OpenClawConfig;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Applies the configured log format (text or JSON lines) and level. */
final class LogSetup {
  private LogSetup() {
  }

  static void apply(OpenClawConfig.Logging logging) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (logging.format().equals("json")) {
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try {
        configurator.doConfigure(LogSetup.class.getResource("/logback-json.xml"));
      } catch (JoranException e) {
        throw new IllegalStateException("cannot configure JSON logging", e);
      }
    }
    context.getLogger("io.openclaw").setLevel(Level.toLevel(logging.level(), Level.INFO));
  }
}
