package io.openclaw.store;

import io.openclaw.bucket.BucketPolicy;
import io.openclaw.bucket.Decision;
import io.openclaw.bucket.TokenBucket;
import io.openclaw.config.OpenClawConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis Cluster: each call runs {@code decide.lua} once for one bucket, atomically, with Redis's
 * clock. Used by one shard's verticle only, on its context; it keeps one long-lived cluster connection
 * (a connection per master, commands routed by slot) and sends calls for different buckets without waiting
 * for earlier answers, so they are pipelined.
 *
 * <p>NOTE: a call that times out is failed, never sent again: it may have run. Only answers that prove the
 * script did not run make the store send the same call again: NOSCRIPT (at once, as EVAL with the script's
 * source), and MOVED or ASK (after a short pause). The client follows those redirects itself, but while a
 * slot migrates its ASKING and the command are two separate writes on a connection that other calls share,
 * so under load another command takes the ASKING, the importing node answers MOVED, and the client runs out
 * of redirects; sending the call again a moment later lets it through.
 */
public final class RedisBucketStore implements BucketStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBucketStore.class);
  /** After a failed connect, calls fail at once for this long instead of each trying again. */
  private static final long RECONNECT_PAUSE_MILLIS = 200;
  /** How often a call that was answered MOVED or ASK is sent again, and the first pause before that. */
  static final int REDIRECT_RESENDS = 3;
  private static final long REDIRECT_PAUSE_MILLIS = 10;

  private final Vertx vertx;
  private final Redis client;
  private final String keyPrefix;
  private final long timeoutMillis;
  private final SyncObserver observer;
  private Future<RedisConnection> connection;
  private long connectFailedAtMillis = -RECONNECT_PAUSE_MILLIS;

  /** The store owns {@code client} and closes it with itself. */
  public RedisBucketStore(Vertx vertx, Redis client, OpenClawConfig config, SyncObserver observer) {
    this.vertx = vertx;
    this.client = client;
    this.keyPrefix = config.buckets().keyPrefix();
    this.timeoutMillis = config.sync().timeoutMillis();
    this.observer = observer;
  }

  @Override
  public Future<List<Decision>> decide(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    List<String> args = arguments(key, policy, requestedTokens);
    long startNanos = System.nanoTime();

    return connection()
        .compose(conn -> evaluate(conn, RedisScript.DECIDE, args))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .andThen(result -> observe(startNanos, result.cause()))
        .map(reply -> decisions(policy, requestedTokens, reply));
  }

  /**
   * Charges tokens granted elsewhere (during an outage) to a bucket, once per batch id; returns the level
   * after the charge, or the stored level when the batch id was already applied.
   */
  public Future<Long> charge(BucketKey key, BucketPolicy policy, String batchId, long chargeMicros,
      long floorMicros) {
    List<String> args = new ArrayList<>(11);
    args.add("2");
    String bucketKey = key.redisKey(keyPrefix);
    args.add(bucketKey);
    args.add(bucketKey + ":charged");
    args.add(batchId);
    args.add(Long.toString(chargeMicros));
    args.add(Long.toString(policy.capacityMicros()));
    args.add(Long.toString(policy.graceMicros()));
    args.add(Long.toString(policy.refillNumerator()));
    args.add(Long.toString(policy.refillDenominator()));
    args.add(Long.toString(ttlMillis(key, policy)));
    args.add(Long.toString(floorMicros));
    args.add(Long.toString(Math.max(ttlMillis(key, policy), 86_400_000L)));

    return connection()
        .compose(conn -> evaluate(conn, RedisScript.CHARGE, args))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .andThen(result -> dropConnectionOn(result.cause()))
        .map(reply -> reply.get(1).toLong());
  }

  private List<String> arguments(BucketKey key, BucketPolicy policy, long[] requestedTokens) {
    List<String> args = new ArrayList<>(7 + requestedTokens.length);
    args.add("1");
    args.add(key.redisKey(keyPrefix));
    args.add(Long.toString(policy.capacityMicros()));
    args.add(Long.toString(policy.graceMicros()));
    args.add(Long.toString(policy.refillNumerator()));
    args.add(Long.toString(policy.refillDenominator()));
    args.add(Long.toString(ttlMillis(key, policy)));
    for (long tokens : requestedTokens) {
      args.add(Long.toString(tokens));
    }
    return args;
  }

  /**
   * How long an untouched bucket lives: twice the time to refill it from the bottom of its grace, by when it
   * is full and forgetting it changes nothing. A bucket that never refills is kept (forgetting it would hand
   * out its quota again), except the cross-region probe's.
   */
  static long ttlMillis(BucketKey key, BucketPolicy policy) {
    if (policy.refills()) {
      return 2 * policy.fullRefillSeconds() * 1000 + 1000;
    }
    return key.service().equals(OpenClawConfig.Buckets.PROBE_SERVICE) ? OpenClawConfig.Buckets.PROBE_TTL_MILLIS : 0;
  }

  private Future<Response> evaluate(RedisConnection conn, RedisScript script, List<String> args) {
    return evaluate(conn, script, args, 0);
  }

  /** Sends the call; sends it again, after a growing pause with jitter, while Redis answers MOVED or ASK. */
  private Future<Response> evaluate(RedisConnection conn, RedisScript script, List<String> args, int resends) {
    return evaluateOnce(conn, script, args).recover(failure -> {
      if (!isRedirect(failure) || resends >= REDIRECT_RESENDS) {
        return Future.failedFuture(failure);
      }
      long pause = (REDIRECT_PAUSE_MILLIS << resends) + ThreadLocalRandom.current().nextLong(REDIRECT_PAUSE_MILLIS);
      LOG.debug("Redis redirected a {} call past the client's retries, sending it again in {} ms: {}",
          script.name(), pause, failure.getMessage());
      return vertx.timer(pause).compose(v -> evaluate(conn, script, args, resends + 1));
    });
  }

  private Future<Response> evaluateOnce(RedisConnection conn, RedisScript script, List<String> args) {
    return conn.send(request(Command.EVALSHA, script.sha(), args)).recover(failure -> {
      if (!isNoScript(failure)) {
        return Future.failedFuture(failure);
      }
      LOG.info("Redis did not know the {} script (new or flushed node), sending its source", script.name());
      return conn.send(request(Command.EVAL, script.source(), args));
    });
  }

  private static Request request(Command command, String script, List<String> args) {
    Request request = Request.cmd(command).arg(script);
    for (String arg : args) {
      request.arg(arg);
    }
    return request;
  }

  /** Whether Redis answered that another node serves the key: proof that the call did not run. */
  static boolean isRedirect(Throwable failure) {
    return failure instanceof io.vertx.redis.client.impl.types.ErrorType error
        && (error.is("MOVED") || error.is("ASK"));
  }

  static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static List<Decision> decisions(BucketPolicy policy, long[] requestedTokens, Response reply) {
    long carry = reply.get(1).toLong();
    List<Decision> decisions = new ArrayList<>(requestedTokens.length);
    for (int i = 0; i < requestedTokens.length; i++) {
      boolean allowed = reply.get(2 + 2 * i).toInteger() == 1;
      long level = reply.get(3 + 2 * i).toLong();
      decisions.add(TokenBucket.describe(policy, level, carry, requestedTokens[i], allowed));
    }
    return decisions;
  }

  private void observe(long startNanos, Throwable failure) {
    if (failure == null) {
      observer.succeeded(System.nanoTime() - startNanos);
      return;
    }
    dropConnectionOn(failure);
    observer.failed(failure);
  }

  /** The connection, opened when there is none; fails fast for a moment after a failed attempt. */
  private Future<RedisConnection> connection() {
    if (connection != null) {
      return connection;
    }
    long now = System.currentTimeMillis();
    if (now - connectFailedAtMillis < RECONNECT_PAUSE_MILLIS) {
      return Future.failedFuture(new SyncUnavailableException("Redis Cluster not reachable (reconnecting)"));
    }
    Future<RedisConnection> opened = client.connect();
    connection = opened;
    opened.onSuccess(conn -> conn.exceptionHandler(e -> forget(opened)).endHandler(v -> forget(opened)));
    opened.onFailure(e -> {
      connectFailedAtMillis = System.currentTimeMillis();
      forget(opened);
    });
    return opened;
  }

  /**
   * A failure that is not an answer from Redis (a closed or refused connection, a failed connect, no node for
   * the slot) may leave the cluster connection pointing at a dead node: drop it, the next call reconnects
   * with a fresh slot map. A timeout keeps it: one slow answer says nothing about the connection.
   */
  private void dropConnectionOn(Throwable failure) {
    if (failure == null || connection == null || isRedisAnswer(failure) || isTimeout(failure)) {
      return;
    }
    Future<RedisConnection> dropped = connection;
    connection = null;
    dropped.onSuccess(RedisConnection::close);
  }

  private void forget(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }

  /** Whether a failure is an answer from Redis or a timeout, as opposed to proof that Redis is out of reach. */
  public static boolean isAnswerOrTimeout(Throwable failure) {
    return isTimeout(failure) || failure instanceof io.vertx.redis.client.impl.types.ErrorType && !isCutOff(failure);
  }

  private static boolean isRedisAnswer(Throwable failure) {
    return failure instanceof io.vertx.redis.client.impl.types.ErrorType error
        && !error.is("CLUSTERDOWN") && !error.is("TRYAGAIN") && !isCutOff(failure);
  }

  /**
   * Whether the client failed a pending call because its connection closed. The client reports that as an
   * error reply, CONNECTION_CLOSED, but Redis never said it: the node went away under the call.
   */
  public static boolean isCutOff(Throwable failure) {
    return failure instanceof io.vertx.redis.client.impl.types.ErrorType error && error.is("CONNECTION_CLOSED");
  }

  public static boolean isTimeout(Throwable failure) {
    return failure instanceof java.util.concurrent.TimeoutException
        || failure instanceof io.vertx.core.impl.NoStackTraceTimeoutException;
  }

  @Override
  public Future<Void> close() {
    Future<RedisConnection> open = connection;
    connection = null;
    Future<Void> closed = open == null
        ? Future.succeededFuture()
        : open.compose(RedisConnection::close).otherwiseEmpty();
    return closed.eventually(client::close);
  }
}
