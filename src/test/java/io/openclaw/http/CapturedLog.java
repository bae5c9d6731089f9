package io.openclaw.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Every ERROR line of the process and the HTTP edge's DEBUG lines, as "LEVEL logger - message", while attached. */
final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final long WAIT_MILLIS = 10_000;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger edge = (Logger) LoggerFactory.getLogger(HttpVerticle.class.getPackageName());
  private final Level edgeLevel = edge.getLevel();

  static CapturedLog attach() {
    CapturedLog log = new CapturedLog();
    log.start();
    log.root.addAppender(log);
    log.edge.setLevel(Level.DEBUG);
    return log;
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until a line matches, for at most ten seconds. */
  void awaitLine(Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (lines.stream().noneMatch(wanted)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such log line in " + WAIT_MILLIS + " ms; lines: " + lines);
      }
      Thread.sleep(20);
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getLoggerName().startsWith(edge.getName() + ".")) {
      lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage());
    }
  }

  @Override
  public void close() {
    edge.setLevel(edgeLevel);
    root.detachAppender(this);
    stop();
  }
}
