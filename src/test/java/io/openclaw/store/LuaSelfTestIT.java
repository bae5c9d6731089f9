package io.openclaw.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/lua-selftest.sh against the test Redis Cluster, so the build checks decide.lua and charge.lua
 * against the script's own 64-bit reference arithmetic (exact refill near 2^52, grace, clock going back,
 * idempotent charges), not only through the Java store.
 */
class LuaSelfTestIT {
  private static final Path SCRIPT = Path.of("scripts", "lua-selftest.sh");

  @Test
  void luaScriptsPassTheirSelfTestOnTheCluster() throws Exception {
    Process process = new ProcessBuilder("bash", SCRIPT.toString(), Integer.toString(GlobalFixture.basePort()))
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).as(out).contains("failed: 0").doesNotContain("FAIL ");
  }
}
