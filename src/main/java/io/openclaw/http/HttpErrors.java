package io.openclaw.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
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

  private static void sendAndClose(HttpServerRequest request, int status, String error, String message) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(new JsonObject().put("error", error).put("message", message).toBuffer())
        .onComplete(sent -> request.connection().close());
  }
}
