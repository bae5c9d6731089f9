package io.openclaw.sync;

import io.openclaw.store.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Lua scripts loaded on every master. Each round asks every master {@code SCRIPT EXISTS} for the
 * scripts' digests and sends {@code SCRIPT LOAD} where one is missing: a new master, a promoted replica (a
 * replica never has scripts of its own) or a master whose scripts were flushed. The stores' NOSCRIPT to EVAL
 * fallback still covers the moment before the next round.
 */
final class ScriptKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptKeeper.class);
  static final List<RedisScript> SCRIPTS = List.of(RedisScript.DECIDE, RedisScript.CHARGE);

  private final NodeConnections nodes;

  ScriptKeeper(NodeConnections nodes) {
    this.nodes = nodes;
  }

  /** Makes sure every master of {@code masters} has every script; fails with the first master that failed. */
  Future<Void> ensureLoaded(List<String> masters) {
    List<Future<Void>> checks = new ArrayList<>();
    for (String master : masters) {
      checks.add(ensureLoaded(master));
    }
    return Future.join(checks).mapEmpty();
  }

  private Future<Void> ensureLoaded(String master) {
    Request exists = Request.cmd(Command.SCRIPT).arg("EXISTS");
    SCRIPTS.forEach(script -> exists.arg(script.sha()));
    return nodes.send(master, false, exists).compose(reply -> loadMissing(master, missing(reply)));
  }

  private static List<RedisScript> missing(Response exists) {
    List<RedisScript> missing = new ArrayList<>();
    for (int i = 0; i < SCRIPTS.size(); i++) {
      if (exists.get(i).toInteger() != 1) {
        missing.add(SCRIPTS.get(i));
      }
    }
    return missing;
  }

  private Future<Void> loadMissing(String master, List<RedisScript> missing) {
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Response>> loads = new ArrayList<>();
    for (RedisScript script : missing) {
      loads.add(nodes.send(master, false, Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source()))
          .compose(sha -> checkDigest(script, sha)));
    }
    List<String> names = missing.stream().map(RedisScript::name).toList();
    return Future.all(loads)
        .onSuccess(v -> LOG.info("Loaded the Lua scripts on Redis master {}: scripts={}", master, names))
        .mapEmpty();
  }

  private static Future<Response> checkDigest(RedisScript script, Response sha) {
    if (!script.sha().equals(sha.toString())) {
      return Future.failedFuture("Redis gave script " + script.name() + " digest " + sha + ", expected "
          + script.sha());
    }
    return Future.succeededFuture(sha);
  }
}
