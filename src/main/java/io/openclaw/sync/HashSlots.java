package io.openclaw.sync;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's key-to-slot mapping (CRC16-XMODEM of the key, or of its hash tag, modulo 16384), and the
 * reverse: a hash tag that lands in a given slot, so a heartbeat key can be aimed at one master.
 */
public final class HashSlots {
  public static final int SLOTS = 16384;

  private HashSlots() {
  }

  /** The slot of {@code key}: of the part between the first '{' and the next '}' when that part is not empty. */
  public static int slot(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        bytes = key.substring(open + 1, close).getBytes(StandardCharsets.UTF_8);
      }
    }
    return crc16(bytes) % SLOTS;
  }

  /** CRC16 with polynomial 0x1021 and initial value 0 (XMODEM), as Redis Cluster uses. */
  static int crc16(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc ^= (b & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }

  /**
   * The first tag of the form {@code hb<n>} whose slot is {@code slot}: a key containing {@code {tag}} lives on
   * whichever master serves that slot. Every slot has one within a few hundred thousand tries.
   */
  public static String tagForSlot(int slot) {
    if (slot < 0 || slot >= SLOTS) {
      throw new IllegalArgumentException("slot must be 0.." + (SLOTS - 1) + ", not " + slot);
    }
    for (int n = 0; ; n++) {
      String tag = "hb" + n;
      if (crc16(tag.getBytes(StandardCharsets.UTF_8)) % SLOTS == slot) {
        return tag;
      }
    }
  }
}
