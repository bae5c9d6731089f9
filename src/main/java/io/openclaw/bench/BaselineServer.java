package io.openclaw.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's baseline: the same HTTP stack as the rating node (Vert.x Web, one server verticle per
 * event loop, a body handler on POST) answering a constant JSON body of the rating answer's size.
 * Run: {@code java -cp target/openclaw.jar io.openclaw.bench.BaselineServer PORT}.
 */
public final class BaselineServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineServer.class);
  private static final Buffer ANSWER = Buffer.buffer("{\"allowed\":true,\"service\":\"default\",\"client_id\":"
      + "\"bench-client-000000\",\"remaining_tokens\":9999,\"capacity\":10000,\"refill_rate\":2000,"
      + "\"retry_after_ms\":0,\"reset_after_ms\":1,\"mode\":\"standalone\",\"region\":\"local\"}");

  private final int port;

  private BaselineServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8099;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BaselineServer(port),
            new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))
        .onSuccess(id -> LOG.info("Baseline server listening: port={} body_bytes={}", port, ANSWER.length()))
        .onFailure(failure -> {
          LOG.error("Baseline server failed to start: {}", failure.toString());
          vertx.close();
        });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/rate").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(ANSWER));
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
        .requestHandler(router)
        .listen();
  }
}
