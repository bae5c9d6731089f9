package io.openclaw.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's answers to requests it cannot decide: requests HTTP cannot read, bodies that stop half-way, and
 * the 503 problem. A client causes all but the 503, so they log at DEBUG.
 */
public final class HttpErrors {
  /** The RFC 9457 problem type of a 503, from the IETF RateLimit header fields draft. */
  public static final String REDUCED_CAPACITY_TYPE =
      "https://iana.org/assignments/http-problem-types#temporary-reduced-capacity";

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized("application/problem+json");

  private HttpErrors() {
  }

  /** A 503 as an RFC 9457 problem of the draft's type, keeping the {@code error} and {@code message} of all errors. */
  static void sendReducedCapacity(RoutingContext ctx, String error, String message) {
    if (ctx.response().ended()) {
      return;
    }
    JsonObject problem = new JsonObject()
        .put("type", REDUCED_CAPACITY_TYPE)
        .put("title", "Temporary Reduced Capacity")
        .put("status", 503)
        .put("error", error)
        .put("message", message);
    ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON).end(problem.toBuffer());
  }

  static void badRequest(RoutingContext ctx) {
    if (ctx.failure() == null) {
      HttpVerticle.sendError(ctx, 400, "bad_request", "the request could not be read");
      return;
    }
    LOG.debug("Request could not be read, answering 400: {}", ctx.failure().toString());
    sendErrorAndClose(ctx, 400, "bad_request", "the request could not be read");
  }

  /**
   * NOTE: vertx-web's BodyHandler fails the request with status 200 when the request stream fails while the body
   * is read: the client closed the connection, or sent a body HTTP cannot decode (a bad chunk size). Both are
   * the client's doing, so they are logged at DEBUG and answered 400 if the connection can still carry it
   * (Vert.x closes it on a chunk it cannot decode, often before).
   */
  static void bodyUnreadable(RoutingContext ctx) {
    LOG.debug("Request body could not be read: {} {}: {}", ctx.request().method(), ctx.request().path(),
        String.valueOf(ctx.failure()));
    if (!ctx.response().closed()) {
      sendErrorAndClose(ctx, 400, "bad_request", "the request body could not be read");
    }
  }

  /**
   * Answers an error to a request whose body was not read to its end: a 413 is answered from the
   * Content-Length (also when the client waits for 100-continue), a 400 when the body cannot be decoded. The
   * rest of the body, or the next request of a client that never sends it, would be read out of step, so an
   * HTTP/1.x connection is closed once the answer is out.
   */
  static void sendErrorAndClose(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended() || ctx.request().version() == HttpVersion.HTTP_2) {
      HttpVerticle.sendError(ctx, status, error, message);
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    HttpVerticle.sendError(ctx, status, error, message).onComplete(sent -> ctx.request().connection().close());
  }

  /**
   * A request HTTP could not decode (a bad request line, a request line or headers over Netty's limits) gets a
   * JSON error like any other, and its connection is closed, since nothing after it can be read in step.
   */
  static void undecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    LOG.debug("Request could not be decoded, closing its connection: {}", String.valueOf(cause));
    if (cause instanceof TooLongHttpLineException) {
      sendAndClose(request, 414, "uri_too_long", "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      sendAndClose(request, 431, "headers_too_large", "the request headers are too large");
    } else {
      sendAndClose(request, 400, "bad_request", "the request could not be read");
    }
  }

  /**
   * Refuses a request whose body length HTTP/1.1 cannot tell for sure (RFC 9112 section 6): a Transfer-Encoding
   * beside a Content-Length, or one whose last coding is not chunked. Netty would read such a body as empty or
   * by one of the two headers, and whatever follows as the next request, so the answer closes the connection.
   * Returns whether the request may go on to the router.
   */
  static boolean framingAccepted(HttpServerRequest request) {
    String transferEncoding = request.headers().get(HttpHeaders.TRANSFER_ENCODING);
    if (transferEncoding == null) {
      return true;
    }
    if (request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      LOG.debug("Request has both Content-Length and Transfer-Encoding, closing its connection");
      sendAndCloseNow(request, 400, "bad_request",
          "a request may not carry both Content-Length and Transfer-Encoding");
      return false;
    }
    String codings = String.join(",", request.headers().getAll(HttpHeaders.TRANSFER_ENCODING));
    String[] parts = codings.split(",");
    String last = parts[parts.length - 1].trim();
    if (!last.equalsIgnoreCase("chunked")) {
      LOG.debug("Request body length cannot be told, closing its connection: Transfer-Encoding {}", codings);
      sendAndCloseNow(request, 400, "bad_request", "Transfer-Encoding must end with chunked");
      return false;
    }
    if (parts.length > 1) {
      LOG.debug("Request has a transfer coding this server does not decode, closing its connection: {}", codings);
      sendAndCloseNow(request, 501, "unsupported_transfer_coding",
          "only the chunked transfer coding is supported, got: " + codings.trim());
      return false;
    }
    return true;
  }

  /** Vert.x Web answers an {@code Expect} other than 100-continue with 417; this gives it the JSON body. */
  static void expectationFailed(RoutingContext ctx) {
    LOG.debug("Unsupported expectation: {}", ctx.request().getHeader(HttpHeaders.EXPECT));
    HttpVerticle.sendError(ctx, 417, "expectation_failed", "only \"Expect: 100-continue\" is supported");
  }

  private static void sendAndClose(HttpServerRequest request, int status, String error, String message) {
    sendClosing(request, status, error, message).onComplete(sent -> request.connection().close());
  }

  /**
   * Like {@link #sendAndClose}, but starts closing before the answer's write completes: bytes already read after
   * a request whose body length is unknown must not be taken for the next request, which Vert.x would otherwise
   * dispatch as soon as this answer ends.
   */
  private static void sendAndCloseNow(HttpServerRequest request, int status, String error, String message) {
    sendClosing(request, status, error, message);
    request.connection().close();
  }

  /** Sends a JSON error with {@code Connection: close}. */
  private static Future<Void> sendClosing(HttpServerRequest request, int status, String error, String message) {
    return request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(new JsonObject().put("error", error).put("message", message).toBuffer());
  }
}
