package io.openclaw.node;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codecs for the rating messages. On one node the (immutable) object itself is passed; between
 * nodes a compact binary form is sent: lengths, UTF-8 strings and longs, no JSON.
 */
public final class Codecs {
  private Codecs() {
  }

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(RateRequest.class, new RequestCodec());
    bus.registerDefaultCodec(RateReply.class, new ReplyCodec());
  }

  static final class RequestCodec implements MessageCodec<RateRequest, RateRequest> {
    @Override
    public void encodeToWire(Buffer buffer, RateRequest request) {
      writeString(buffer, request.service());
      writeString(buffer, request.clientId());
      buffer.appendLong(request.tokens());
    }

    @Override
    public RateRequest decodeFromWire(int pos, Buffer buffer) {
      int serviceLength = buffer.getInt(pos);
      String service = buffer.getString(pos + 4, pos + 4 + serviceLength, "UTF-8");
      pos += 4 + serviceLength;
      int clientLength = buffer.getInt(pos);
      String clientId = buffer.getString(pos + 4, pos + 4 + clientLength, "UTF-8");
      pos += 4 + clientLength;
      return new RateRequest(service, clientId, buffer.getLong(pos));
    }

    @Override
    public RateRequest transform(RateRequest request) {
      return request;
    }

    @Override
    public String name() {
      return "openclaw.rate-request";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  static final class ReplyCodec implements MessageCodec<RateReply, RateReply> {
    @Override
    public void encodeToWire(Buffer buffer, RateReply reply) {
      buffer.appendByte((byte) ((reply.allowed() ? 1 : 0) | reply.mode().ordinal() << 1));
      buffer.appendLong(reply.remainingTokens());
      buffer.appendLong(reply.retryAfterMillis());
      buffer.appendLong(reply.resetAfterMillis());
    }

    @Override
    public RateReply decodeFromWire(int pos, Buffer buffer) {
      byte flags = buffer.getByte(pos);
      Mode mode = Mode.values()[flags >> 1];
      return new RateReply((flags & 1) == 1, buffer.getLong(pos + 1), buffer.getLong(pos + 9),
          buffer.getLong(pos + 17), mode);
    }

    @Override
    public RateReply transform(RateReply reply) {
      return reply;
    }

    @Override
    public String name() {
      return "openclaw.rate-reply";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  private static void writeString(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }
}
