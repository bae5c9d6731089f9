package io.openclaw.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.RateRequest;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns the body of {@code POST /v1/rate} into a {@link RateRequest}, or says exactly what is wrong. */
public final class RateRequestParser {
  public static final int MAX_CLIENT_ID_BYTES = 256;
  public static final String DEFAULT_SERVICE = "default";

  private static final JsonFactory JSON = new JsonFactory();
  private static final List<String> FIELDS = List.of("client_id", "tokens", "service");
  private static final int CLIENT_ID = 0;
  private static final int TOKENS = 1;
  private static final int SERVICE = 2;
  private static final Object NOT_A_SCALAR = new Object();

  private final OpenClawConfig.Buckets buckets;

  public RateRequestParser(OpenClawConfig.Buckets buckets) {
    this.buckets = buckets;
  }

  public RateRequest parse(String contentType, Buffer body) {
    checkContentType(contentType);
    Object[] values = fields(body);

    String service = service(values[SERVICE]);
    String clientId = clientId(values[CLIENT_ID]);
    long tokens = tokens(values[TOKENS], service);
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

  /**
   * Reads the three fields with Jackson's streaming parser: no tree is built for a body that is read once.
   * Each value comes back as the tree would hold it (String, Integer, Long, BigInteger, Double), or as
   * {@link #NOT_A_SCALAR} for an object, array or boolean, which every field rejects.
   */
  private static Object[] fields(Buffer body) {
    if (body == null || body.length() == 0) {
      throw invalid("invalid_json", "request body is empty; send a JSON object such as {\"client_id\": \"abc\"}");
    }
    Object[] values = new Object[3];
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("invalid_json", "request body must be a JSON object");
      }
      int seen = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        int field = FIELDS.indexOf(parser.currentName());
        Object value = value(parser, parser.nextToken());
        if (field >= 0) {
          seen = once(seen, field);
          values[field] = value;
        }
      }
      if (parser.nextToken() != null) {
        throw invalid("invalid_json", "request body is not valid JSON: content after the object");
      }
    } catch (IOException e) {
      throw invalid("invalid_json", "request body is not valid JSON");
    }
    return values;
  }

  /**
   * Marks a field as read. A field given twice is refused rather than taking either value: a proxy in front
   * that reads the first one must never see a different request than the bucket that is charged.
   */
  private static int once(int seen, int field) {
    int bit = 1 << field;
    if ((seen & bit) != 0) {
      throw invalid("invalid_json", "request body has the field " + FIELDS.get(field) + " more than once");
    }
    return seen | bit;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_NULL -> null;
      default -> {
        parser.skipChildren();
        yield NOT_A_SCALAR;
      }
    };
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
