package io.openclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.openclaw.config.ConfigLoader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StartLogTest {
  @Test
  void theStartLineShowsThePortTheServerIsBoundToWhenTheConfigAsksForAnyPort() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(OpenClawNode.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    OpenClawNode node = null;
    try {
      node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml("""
          node: start-log
          http: {host: 127.0.0.1, port: 0, event_loops: 1}
          cluster: {shards: 1}
          metrics: {enabled: false}
          """)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      int bound = node.httpPort();
      assertThat(bound).isBetween(1, 65535);
      assertThat(appender.list).map(ILoggingEvent::getFormattedMessage)
          .filteredOn(line -> line.startsWith("OpenClaw node started: "))
          .singleElement().asString()
          .contains("node=start-log ")
          .contains(" http=127.0.0.1:" + bound + ",");
    } finally {
      logger.detachAppender(appender);
      if (node != null) {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
