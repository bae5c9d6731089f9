package io.openclaw.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.redis.client.impl.ZModem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotsTest {

  @Test
  void crc16MatchesTheXmodemCheckValue() {
    assertThat(HashSlots.crc16("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x31C3);
  }

  @Test
  void slotsMatchRedisClusterKeySlot() {
    // CLUSTER KEYSLOT on Redis 7: foo 12182, bar 5061, hello 866
    assertThat(HashSlots.slot("foo")).isEqualTo(12182);
    assertThat(HashSlots.slot("bar")).isEqualTo(5061);
    assertThat(HashSlots.slot("hello")).isEqualTo(866);
  }

  @Test
  void slotsAgreeWithTheVertxRedisClient() {
    for (String key : new String[] {"a", "openclaw:tb:{search:abc}", "x{}y", "{user1000}.following", "é{ü}"}) {
      assertThat(HashSlots.slot(key)).as(key).isEqualTo(ZModem.generate(key));
    }
  }

  @Test
  void hashTagDecidesTheSlotAndAnEmptyTagDoesNot() {
    assertThat(HashSlots.slot("{user1000}.following")).isEqualTo(HashSlots.slot("user1000"));
    assertThat(HashSlots.slot("foo{}{bar}")).isEqualTo(HashSlots.crc16("foo{}{bar}".getBytes()) % 16384);
    assertThat(HashSlots.slot("foo{{bar}}zap")).isEqualTo(HashSlots.slot("{bar"));
  }

  @Test
  void tagForSlotLandsInThatSlotAtBothEndsAndInBetween() {
    for (int slot : new int[] {0, 1, 5460, 5461, 10922, 10923, 16383}) {
      String tag = HashSlots.tagForSlot(slot);

      assertThat(HashSlots.slot("openclaw:heartbeat:{" + tag + "}:us-east:node-1")).as("slot %d", slot)
          .isEqualTo(slot);
    }
  }

  @Test
  void tagForSlotRejectsSlotsOutsideTheCluster() {
    assertThatThrownBy(() -> HashSlots.tagForSlot(16384)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HashSlots.tagForSlot(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
