package io.openclaw.http;

import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.RateRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** Turns the body of {@code POST /v1/rate} into a {@link RateRequest}, or says exactly what is wrong. */
public final class RateRequestParser {
  public static final int MAX_CLIENT_ID_BYTES = 256;
  public static final String DEFAULT_SERVICE = "default";

  private final OpenClawConfig.Buckets buckets;

  public RateRequestParser(OpenClawConfig.Buckets buckets) {
    this.buckets = buckets;
  }

  public RateRequest parse(String contentType, Buffer body) {
    checkContentType(contentType);
    JsonObject json = object(body);

    String service = service(json.getValue("service"));
    String clientId = clientId(json.getValue("client_id"));
    long tokens = tokens(json.getValue("tokens"), service);
    return new RateRequest(service, clientId, tokens);
  }

  private static void checkContentType(String contentType) {
    if (contentType == null) {
      return;
    }
    int end = contentType.indexOf(';');
    String mediaType = (end < 0 ? contentType : contentType.substring(0, end)).trim();
    if (!mediaType.equalsIgnoreCase("application/json")) {
      throw new BadRequest(415, "unsupported_media_type",
          "Content-Type must be application/json, not '" + mediaType + "'");
    }
  }

  private static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw invalid("invalid_json", "request body is empty; send a JSON object such as {\"client_id\": \"abc\"}");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw invalid("invalid_json", "request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid("invalid_json", "request body must be a JSON object");
    }
    return object;
  }

  private static String service(Object value) {
    if (value == null) {
      return DEFAULT_SERVICE;
    }
    if (!(value instanceof String service) || !ConfigLoader.SERVICE_NAME.matcher(service).matches()) {
      throw invalid("invalid_service", "service must be a string of 1-64 letters, digits, '.', '-' or '_'");
    }
    return service;
  }

  private static String clientId(Object value) {
    if (value == null) {
      throw invalid("missing_client_id", "client_id is required");
    }
    if (!(value instanceof String clientId) || clientId.isEmpty()) {
      throw invalid("invalid_client_id", "client_id must be a non-empty string");
    }
    if (!isWellFormed(clientId)) {
      throw invalid("invalid_client_id", "client_id must be valid Unicode (it has an unpaired surrogate)");
    }
    if (clientId.length() > MAX_CLIENT_ID_BYTES / 3 && utf8Length(clientId) > MAX_CLIENT_ID_BYTES) {
      throw invalid("invalid_client_id", "client_id must be at most " + MAX_CLIENT_ID_BYTES + " bytes of UTF-8");
    }
    return clientId;
  }

  private long tokens(Object value, String service) {
    long tokens = wholeNumber(value);
    long capacity = buckets.policyFor(service).capacity();
    if (tokens > capacity) {
      throw invalid("tokens_exceed_capacity", "tokens (" + tokens + ") is more than the bucket of service '"
          + service + "' can ever hold (capacity " + capacity + "), so this request could never be allowed");
    }
    return tokens;
  }

  private static long wholeNumber(Object value) {
    if (value == null) {
      return 1;
    }
    if (value instanceof Integer || value instanceof Long) {
      return nonNegative(((Number) value).longValue());
    }
    if (value instanceof BigInteger) {
      throw invalid("invalid_tokens", "tokens is too large");
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      double number = ((Number) value).doubleValue();
      if (Double.isNaN(number) || Double.isInfinite(number) || number != Math.rint(number)) {
        throw invalid("invalid_tokens", "tokens must be a whole number, not " + value);
      }
      if (Math.abs(number) > 1e15) {
        throw invalid("invalid_tokens", "tokens is too large");
      }
      return nonNegative((long) number);
    }
    throw invalid("invalid_tokens", "tokens must be a whole number >= 0");
  }

  private static long nonNegative(long tokens) {
    if (tokens < 0) {
      throw invalid("invalid_tokens", "tokens must be >= 0, not " + tokens);
    }
    return tokens;
  }

  private static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static BadRequest invalid(String error, String message) {
    return new BadRequest(400, error, message);
  }
}
