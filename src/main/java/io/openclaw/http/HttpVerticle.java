package io.openclaw.http;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.metrics.Metrics;
import io.openclaw.metrics.NodeMetrics;
import io.openclaw.node.Addresses;
import io.openclaw.node.Mode;
import io.openclaw.node.RateBatch;
import io.openclaw.node.RateBatchReply;
import io.openclaw.node.RateFailure;
import io.openclaw.node.RateReply;
import io.openclaw.node.RateRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge, one instance per event loop. It validates a request, sends it to the shard that owns the
 * bucket and renders the shard's answer; it keeps no bucket state. The requests for one shard that arrive in
 * the same event-loop turn go out at the end of the turn as one {@link RateBatch} message (a lone one as a plain
 * request), so a busy shard costs one bus round trip per turn rather than one per request.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  /** How long to wait before sending a request again whose shard was moving (no consumer, or a refusal). */
  static final long SHARD_MOVE_RETRY_MILLIS = 150;
  /** What a 405 lists in its Allow header, by path. */
  private static final Map<String, String> ALLOWED_METHODS = Map.of("/v1/rate", "POST", "/health", "GET, HEAD",
      NodeMetrics.PATH, "GET");
  /** The most requests sent to a shard in one message. */
  static final int MAX_BATCH = 256;

  private final OpenClawConfig config;
  private final Handler<RoutingContext> healthHandler;
  private final Consumer<Router> extraRoutes;
  private final Metrics metrics;
  private final RateRequestParser parser;
  private final DeliveryOptions delivery;
  private final Map<Mode, Map<String, PolicyView>> views = new EnumMap<>(Mode.class);
  private final String retryAfterSeconds;
  private Map<String, List<Waiting>> collected = new HashMap<>();
  private boolean sendScheduled;
  private HttpServer server;

  /** A validated request that waits for the end of the event-loop turn to go to its shard. */
  private record Waiting(RoutingContext ctx, RateRequest request) {
  }

  /** An edge that counts nothing, for tests of the HTTP contract. */
  public HttpVerticle(OpenClawConfig config, Handler<RoutingContext> healthHandler, Consumer<Router> extraRoutes) {
    this(config, healthHandler, extraRoutes, Metrics.disabled(config));
  }

  public HttpVerticle(OpenClawConfig config, Handler<RoutingContext> healthHandler, Consumer<Router> extraRoutes,
      Metrics metrics) {
    this.config = config;
    this.healthHandler = healthHandler;
    this.extraRoutes = extraRoutes;
    this.metrics = metrics;
    this.parser = new RateRequestParser(config.buckets());
    this.delivery = new DeliveryOptions().setSendTimeout(2 * config.sync().timeoutMillis() + 2000);
    this.retryAfterSeconds = Long.toString(config.failover().retryAfterSeconds());
    for (Mode mode : Mode.values()) {
      views.put(mode, new HashMap<>());
    }
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/rate")
        .handler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()))
        .handler(this::rate);
    router.get("/health").handler(healthHandler);
    router.head("/health").handler(healthHandler);
    extraRoutes.accept(router);
    router.errorHandler(404, ctx -> sendError(ctx, 404, "not_found", "no such endpoint: " + ctx.request().path()));
    router.errorHandler(405, ctx -> {
      String allowed = ALLOWED_METHODS.get(ctx.request().path());
      if (allowed != null) {
        ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
      }
      sendError(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
    });
    router.errorHandler(413, ctx -> HttpErrors.sendErrorAndClose(ctx, 413, "body_too_large",
        "request body is larger than " + config.http().bodyLimitBytes() + " bytes"));
    router.errorHandler(400, HttpErrors::badRequest);
    router.errorHandler(417, HttpErrors::expectationFailed);
    router.errorHandler(200, HttpErrors::bodyUnreadable);
    router.errorHandler(500, this::internalError);

    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port())
        .setIdleTimeout(config.http().idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(options)
        .requestHandler(request -> {
          if (HttpErrors.framingAccepted(request)) {
            router.handle(request);
          }
        })
        .invalidRequestHandler(HttpErrors::undecodable)
        .listen()
        .recover(e -> Future.failedFuture(new ListenException(options.getHost(), options.getPort(), e)))
        .onSuccess(s -> server = s);
  }

  /** The port this verticle's server listens on (useful when the config asks for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void rate(RoutingContext ctx) {
    RateRequest request;
    try {
      request = parse(ctx, parser);
    } catch (BadRequest e) {
      sendError(ctx, e.status(), e.error(), e.getMessage());
      return;
    }
    String address = Addresses.bucket(request.key().shard(config.cluster().shards()));

    collected.computeIfAbsent(address, a -> new ArrayList<>(4)).add(new Waiting(ctx, request));
    if (!sendScheduled) {
      sendScheduled = true;
      context.runOnContext(v -> sendWaiting());
    }
  }

  /** The request of a {@code POST /v1/rate}, or the {@link BadRequest} that answers it. */
  static RateRequest parse(RoutingContext ctx, RateRequestParser parser) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && ctx.request().headers().getAll(HttpHeaders.CONTENT_TYPE).size() > 1) {
      throw new BadRequest(400, "bad_request", "Content-Type may be given only once");
    }
    return parser.parse(contentType, ctx.body().buffer());
  }

  /** Sends what this turn collected: one message per shard, a lone request as itself. */
  private void sendWaiting() {
    sendScheduled = false;
    Map<String, List<Waiting>> ready = collected;
    collected = new HashMap<>();
    Mode modeAtSend = metrics.nodeMode();

    ready.forEach((address, requests) -> {
      for (int from = 0; from < requests.size(); from += MAX_BATCH) {
        List<Waiting> part = requests.subList(from, Math.min(requests.size(), from + MAX_BATCH));
        if (part.size() == 1) {
          decide(part.get(0).ctx(), part.get(0).request(), address, modeAtSend, true);
        } else {
          decideBatch(part, address, modeAtSend);
        }
      }
    });
  }

  /**
   * Sends several requests for one shard as one message. A failure of the whole message that proves nothing
   * was decided sends each request again, alone, after the pause of {@link #decide}; any other is the answer.
   */
  private void decideBatch(List<Waiting> requests, String address, Mode modeAtSend) {
    RateBatch batch = new RateBatch(requests.stream().map(Waiting::request).toList());
    vertx.eventBus().<RateBatchReply>request(address, batch, delivery).onComplete(result -> {
      if (result.succeeded()) {
        sendOutcomes(requests, result.result().body(), modeAtSend);
      } else if (provesNotDecided(result.cause())) {
        LOG.debug("Shard is moving, sending again in {} ms: address={}", SHARD_MOVE_RETRY_MILLIS, address);
        vertx.setTimer(SHARD_MOVE_RETRY_MILLIS, id -> requests.forEach(waiting ->
            decide(waiting.ctx(), waiting.request(), address, modeAtSend, false)));
      } else {
        requests.forEach(waiting -> sendFailure(waiting.ctx(), waiting.request().service(), modeAtSend,
            result.cause()));
      }
    });
  }

  private void sendOutcomes(List<Waiting> requests, RateBatchReply reply, Mode modeAtSend) {
    for (int i = 0; i < requests.size(); i++) {
      Waiting waiting = requests.get(i);
      RateBatchReply.Outcome outcome = reply.outcomes().get(i);
      if (outcome.decided()) {
        sendDecision(waiting.ctx(), waiting.request(), outcome.reply());
      } else {
        sendFailure(waiting.ctx(), waiting.request().service(), modeAtSend, outcome.failure(),
            outcome.failure().error());
      }
    }
  }

  /**
   * Sends the request to its shard. Two failures prove the request was not decided: NO_HANDLERS (no node
   * had a consumer for the shard) and a refusal by a shard that is handing itself over to another node.
   * Both happen while a shard moves, so then the request is sent once more after a short pause. A timeout
   * or any other failure may hide a decision already taken, and is answered, never re-sent.
   */
  private void decide(RoutingContext ctx, RateRequest request, String address, Mode modeAtSend,
      boolean mayRetry) {
    vertx.eventBus().<RateReply>request(address, request, delivery).onComplete(result -> {
      if (result.succeeded()) {
        sendDecision(ctx, request, result.result().body());
      } else if (mayRetry && provesNotDecided(result.cause())) {
        LOG.debug("Shard is moving, sending again in {} ms: address={}", SHARD_MOVE_RETRY_MILLIS, address);
        vertx.setTimer(SHARD_MOVE_RETRY_MILLIS, id -> decide(ctx, request, address, modeAtSend, false));
      } else {
        sendFailure(ctx, request.service(), modeAtSend, result.cause());
      }
    });
  }

  private void sendFailure(RoutingContext ctx, String service, Mode modeAtSend, Throwable cause) {
    sendFailure(ctx, service, modeAtSend, failureOf(cause), cause.getMessage());
  }

  private void sendFailure(RoutingContext ctx, String service, Mode modeAtSend, RateFailure failure,
      String detail) {
    if (failure.httpStatus() == 503) {
      metrics.unavailable(service, modeAtSend);
    }
    sendUnavailable(ctx, failure, detail);
  }

  private static boolean provesNotDecided(Throwable cause) {
    if (!(cause instanceof ReplyException reply)) {
      return false;
    }
    return reply.failureType() == ReplyFailure.NO_HANDLERS
        || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
            && reply.failureCode() == RateFailure.SHARD_UNAVAILABLE.code();
  }

  private void sendDecision(RoutingContext ctx, RateRequest request, RateReply reply) {
    PolicyView view = view(request.service(), reply.mode());
    metrics.decided(request.service(), reply.allowed(), reply.mode(), reply.remainingTokens(), view.capacity());
    view.answer(ctx.response(), request.clientId(), reply);
  }

  /**
   * The rendered view of a service in a mode. Views of configured services are kept; a service a client
   * invents is rendered afresh each time, so clients cannot grow this cache.
   */
  private PolicyView view(String service, Mode mode) {
    Map<String, PolicyView> cached = views.get(mode);
    PolicyView view = cached.get(service);
    if (view != null) {
      return view;
    }
    BucketPolicy policy = config.buckets().policyFor(service);
    if (mode == Mode.LOCAL) {
      policy = policy.scaled(config.failover().localCapacityRatio());
    }
    view = PolicyView.of(service, policy, mode, config.region());
    if (config.buckets().isConfigured(service) || service.equals(RateRequestParser.DEFAULT_SERVICE)) {
      cached.put(service, view);
    }
    return view;
  }

  private static RateFailure failureOf(Throwable cause) {
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return RateFailure.TIMEOUT;
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return RateFailure.SHARD_UNAVAILABLE;
      }
      return RateFailure.fromCode(reply.failureCode());
    }
    return RateFailure.INTERNAL;
  }

  private void sendUnavailable(RoutingContext ctx, RateFailure failure, String detail) {
    if (failure.httpStatus() == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
    } else {
      LOG.error("Shard failed unexpectedly, answering 500: {}", detail);
    }
    String message = switch (failure) {
      case SYNC_UNAVAILABLE -> "the rate-limit store could not be reached while deciding this request; retry after "
          + retryAfterSeconds + " s";
      case SYNC_TIMEOUT -> "the rate-limit store did not answer in time while deciding this request, which it may"
          + " still have counted; retry after " + retryAfterSeconds + " s";
      case SHARD_UNAVAILABLE -> "the bucket's shard is moving between nodes; retry after " + retryAfterSeconds + " s";
      case TIMEOUT -> "the bucket's shard did not answer in time; retry after " + retryAfterSeconds + " s";
      case INTERNAL -> "internal error";
    };
    if (failure.httpStatus() == 503) {
      HttpErrors.sendReducedCapacity(ctx, failure.error(), message);
    } else {
      sendError(ctx, failure.httpStatus(), failure.error(), message);
    }
  }

  private void internalError(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException) {
      LOG.debug("Client closed the connection: {} {}", ctx.request().method(), ctx.request().path());
      return;
    }
    LOG.error("Request failed unexpectedly: {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
    sendError(ctx, 500, "internal_error", "internal error");
  }

  static Future<Void> sendError(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended()) {
      return Future.succeededFuture();
    }
    return ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(new JsonObject().put("error", error).put("message", message).toBuffer());
  }
}
