package io.openclaw.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus codecs for the rating messages. On one node the (immutable) object itself is passed; between
 * nodes a compact binary form is sent: lengths, UTF-8 strings and longs, no JSON. A batch is its count followed
 * by its items in the single messages' form; a failed item of a batch reply is a marker byte and the code.
 */
public final class Codecs {
  private Codecs() {
  }

  /**
   * A codec that hands the message object itself to a consumer on the same node, which is safe because every
   * rating message is immutable, and the subclass's binary form to other nodes.
   */
  abstract static class SameObjectCodec<T> implements MessageCodec<T, T> {
    private final String name;

    SameObjectCodec(String name) {
      this.name = name;
    }

    @Override
    public final T transform(T message) {
      return message;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final byte systemCodecID() {
      return -1;
    }
  }

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(RateRequest.class, new RequestCodec());
    bus.registerDefaultCodec(RateReply.class, new ReplyCodec());
    bus.registerDefaultCodec(RateBatch.class, new BatchCodec());
    bus.registerDefaultCodec(RateBatchReply.class, new BatchReplyCodec());
  }

  static final class RequestCodec extends SameObjectCodec<RateRequest> {
    RequestCodec() {
      super("openclaw.rate-request");
    }

    @Override
    public void encodeToWire(Buffer buffer, RateRequest request) {
      writeRequest(buffer, request);
    }

    @Override
    public RateRequest decodeFromWire(int pos, Buffer buffer) {
      return readRequest(new int[] {pos}, buffer);
    }
  }

  static final class ReplyCodec extends SameObjectCodec<RateReply> {
    ReplyCodec() {
      super("openclaw.rate-reply");
    }

    @Override
    public void encodeToWire(Buffer buffer, RateReply reply) {
      writeReply(buffer, reply);
    }

    @Override
    public RateReply decodeFromWire(int pos, Buffer buffer) {
      return readReply(pos, buffer);
    }
  }

  static final class BatchCodec extends SameObjectCodec<RateBatch> {
    BatchCodec() {
      super("openclaw.rate-batch");
    }

    @Override
    public void encodeToWire(Buffer buffer, RateBatch batch) {
      buffer.appendInt(batch.requests().size());
      batch.requests().forEach(request -> writeRequest(buffer, request));
    }

    @Override
    public RateBatch decodeFromWire(int pos, Buffer buffer) {
      int count = buffer.getInt(pos);
      int[] at = {pos + 4};
      List<RateRequest> requests = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        requests.add(readRequest(at, buffer));
      }
      return new RateBatch(requests);
    }
  }

  static final class BatchReplyCodec extends SameObjectCodec<RateBatchReply> {
    private static final byte FAILED = -1;

    BatchReplyCodec() {
      super("openclaw.rate-batch-reply");
    }

    @Override
    public void encodeToWire(Buffer buffer, RateBatchReply batch) {
      buffer.appendInt(batch.outcomes().size());
      for (RateBatchReply.Outcome outcome : batch.outcomes()) {
        if (outcome.decided()) {
          writeReply(buffer, outcome.reply());
        } else {
          buffer.appendByte(FAILED).appendInt(outcome.failure().code());
        }
      }
    }

    @Override
    public RateBatchReply decodeFromWire(int pos, Buffer buffer) {
      int count = buffer.getInt(pos);
      pos += 4;
      List<RateBatchReply.Outcome> outcomes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (buffer.getByte(pos) == FAILED) {
          outcomes.add(RateBatchReply.Outcome.failed(RateFailure.fromCode(buffer.getInt(pos + 1))));
          pos += 5;
        } else {
          outcomes.add(RateBatchReply.Outcome.decided(readReply(pos, buffer)));
          pos += REPLY_BYTES;
        }
      }
      return new RateBatchReply(outcomes);
    }
  }

  private static final int REPLY_BYTES = 25;

  private static void writeRequest(Buffer buffer, RateRequest request) {
    writeString(buffer, request.service());
    writeString(buffer, request.clientId());
    buffer.appendLong(request.tokens());
  }

  /** Reads a request at {@code at[0]} and moves {@code at[0]} past it. */
  private static RateRequest readRequest(int[] at, Buffer buffer) {
    String service = readString(at, buffer);
    String clientId = readString(at, buffer);
    long tokens = buffer.getLong(at[0]);
    at[0] += 8;
    return new RateRequest(service, clientId, tokens);
  }

  private static void writeReply(Buffer buffer, RateReply reply) {
    buffer.appendByte((byte) ((reply.allowed() ? 1 : 0) | reply.mode().ordinal() << 1));
    buffer.appendLong(reply.remainingTokens());
    buffer.appendLong(reply.retryAfterMillis());
    buffer.appendLong(reply.resetAfterMillis());
  }

  private static RateReply readReply(int pos, Buffer buffer) {
    byte flags = buffer.getByte(pos);
    Mode mode = Mode.values()[flags >> 1];
    return new RateReply((flags & 1) == 1, buffer.getLong(pos + 1), buffer.getLong(pos + 9),
        buffer.getLong(pos + 17), mode);
  }

  private static void writeString(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(int[] at, Buffer buffer) {
    int length = buffer.getInt(at[0]);
    String value = buffer.getString(at[0] + 4, at[0] + 4 + length, "UTF-8");
    at[0] += 4 + length;
    return value;
  }
}
