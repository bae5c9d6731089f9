package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.OpenClawNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the server treats connections that stall or send more than it will read, over raw sockets. */
class HttpConnectionTest {
  private static final int IDLE_TIMEOUT_SECONDS = 2;
  /** Longest any test waits for the server to close a connection. */
  private static final int WAIT_MILLIS = 10_000;

  private static OpenClawNode node;
  private static int port;

  @BeforeAll
  static void startNode() throws Exception {
    node = OpenClawNode.start(new ConfigLoader(Map.of()).fromYaml("""
        http: {host: 127.0.0.1, port: 0, idle_timeout_seconds: %d}
        cluster: {shards: 2}
        metrics: {enabled: false}
        """.formatted(IDLE_TIMEOUT_SECONDS))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = node.httpPort();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void idleConnectionIsClosed() throws IOException {
    try (Socket socket = connect()) {
      assertThat(readUntilClosed(socket).closedAfterMillis()).isLessThan(WAIT_MILLIS);
    }
  }

  @Test
  void connectionStalledInTheHeadersIsClosed() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nContent-Type: appl");

      assertThat(readUntilClosed(socket).closedAfterMillis()).isLessThan(WAIT_MILLIS);
    }
  }

  @Test
  void connectionStalledInTheBodyIsClosed() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"client_id\": ");

      assertThat(readUntilClosed(socket).closedAfterMillis()).isLessThan(WAIT_MILLIS);
    }
  }

  @Test
  void bodyTooLargeToReadGets413AndTheConnectionIsClosed() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Expect: 100-continue\r\nContent-Length: 99999\r\n\r\n");

      Answer answer = readUntilClosed(socket);

      assertThat(answer.text()).startsWith("HTTP/1.1 413 ").containsIgnoringCase("\r\nconnection: close\r\n")
          .contains("\"error\":\"body_too_large\"").doesNotContain("100 Continue");
      assertThat(answer.closedAfterMillis()).as("closed before the idle timeout")
          .isLessThan(TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_SECONDS));
    }
  }

  @Test
  void clientThatAbortsItsBodyIsNotAnError() throws Exception {
    try (CapturedLog log = CapturedLog.attach()) {
      try (Socket socket = connect()) {
        send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"client_id\": ");
      }

      log.awaitLine(line -> line.contains("could not be read") || line.startsWith("ERROR"));
      assertThat(log.lines()).noneMatch(line -> line.startsWith("ERROR"));
    }
  }

  /** Vert.x closes the connection on a chunk it cannot decode, often before a 400 can be written. */
  @Test
  void badChunkSizeClosesTheConnectionAndIsNotAnError() throws Exception {
    try (CapturedLog log = CapturedLog.attach(); Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n");

      Answer answer = readUntilClosed(socket);

      assertThat(answer.text()).satisfiesAnyOf(
          text -> assertThat(text).isEmpty(),
          text -> assertThat(text).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad_request\""));
      log.awaitLine(line -> line.contains("could not be read") || line.startsWith("ERROR"));
      assertThat(log.lines()).noneMatch(line -> line.startsWith("ERROR"));
    }
  }

  @Test
  void requestsHttpCannotDecodeGetJsonErrors() throws IOException {
    assertUndecodable("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "uri_too_long");
    assertUndecodable("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", 431,
        "headers_too_large");
    assertUndecodable("GET /health HTTP/9\r\n\r\n", 400, "bad_request");
  }

  /**
   * Without chunked as the last coding the body's length is unknown: what follows must not be read as the next
   * request, so the answer is a 400 and the connection closes before anything else is answered.
   */
  @Test
  void transferEncodingWithoutChunkedGets400AndNothingAfterItIsAnswered() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n"
          + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");

      String text = readUntilClosed(socket).text();

      assertThat(text).startsWith("HTTP/1.1 400 ").containsIgnoringCase("\r\nconnection: close\r\n")
          .contains("\"error\":\"bad_request\"").contains("Transfer-Encoding must end with chunked");
      assertThat(text).doesNotContain("\"status\"").containsOnlyOnce("HTTP/1.1 ");
    }
  }

  @Test
  void transferCodingOtherThanChunkedGets501() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");

      assertThat(readUntilClosed(socket).text()).startsWith("HTTP/1.1 501 ")
          .contains("\"error\":\"unsupported_transfer_coding\"").contains("gzip, chunked");
    }
  }

  @Test
  void unsupportedExpectationGetsJson417AndIsNotAnError() throws Exception {
    try (CapturedLog log = CapturedLog.attach(); Socket socket = connect()) {
      send(socket, "POST /v1/rate HTTP/1.1\r\nHost: localhost\r\nExpect: banana\r\nConnection: close\r\n"
          + "Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"client_id\":\"e\"}");

      assertThat(readUntilClosed(socket).text()).startsWith("HTTP/1.1 417 ")
          .containsIgnoringCase("\r\ncontent-type: application/json\r\n")
          .contains("\"error\":\"expectation_failed\"");
      assertThat(log.lines()).noneMatch(line -> line.startsWith("ERROR"));
    }
  }

  private static void assertUndecodable(String request, int status, String error) throws IOException {
    try (Socket socket = connect()) {
      send(socket, request);

      assertThat(readUntilClosed(socket).text()).matches("(?s)HTTP/1\\.[01] " + status + " .*")
          .containsIgnoringCase("\r\ncontent-type: application/json\r\n")
          .contains("\"error\":\"" + error + "\"");
    }
  }

  private record Answer(String text, long closedAfterMillis) {
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(WAIT_MILLIS);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** Everything the server sends until it closes the connection, and when it closed it; fails after the wait. */
  private static Answer readUntilClosed(Socket socket) throws IOException {
    long start = System.nanoTime();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        received.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + WAIT_MILLIS + " ms, having sent: "
          + received.toString(StandardCharsets.UTF_8), e);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Answer(received.toString(StandardCharsets.UTF_8), millis);
  }
}
