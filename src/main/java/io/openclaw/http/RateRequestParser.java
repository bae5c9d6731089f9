package io.openclaw.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.openclaw.config.ConfigLoader;
import io.openclaw.config.OpenClawConfig;
import io.openclaw.node.RateRequest;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns the body of {@code POST /v1/rate} into a {@link RateRequest}, or says exactly what is wrong. */
public final class RateRequestParser {
  public static final int MAX_CLIENT_ID_BYTES = 256;
  /** The service of a request that names none. */
  public static final String DEFAULT_SERVICE = OpenClawConfig.Buckets.DEFAULT_SERVICE;

  private static final JsonFactory JSON = new JsonFactory();
  private static final List<String> FIELDS = List.of("client_id", "tokens", "service");
  private static final int CLIENT_ID = 0;
  private static final int TOKENS = 1;
  private static final int SERVICE = 2;
  private static final Object NOT_A_SCALAR = new Object();
  private static final BigDecimal MAX_TOKENS = BigDecimal.valueOf(Long.MAX_VALUE);

  private final OpenClawConfig.Buckets buckets;

  public RateRequestParser(OpenClawConfig.Buckets buckets) {
    this.buckets = buckets;
  }

  public RateRequest parse(String contentType, Buffer body) {
    BodyEncoding.checkContentType(contentType);
    Object[] values = fields(body);

    String service = service(values[SERVICE]);
    String clientId = clientId(values[CLIENT_ID]);
    long tokens = tokens(values[TOKENS], service);
    return new RateRequest(service, clientId, tokens);
  }

  /**
   * Reads the three fields with Jackson's streaming parser: no tree is built for a body that is read once.
   * Each value comes back as a String, as an Integer, Long, BigInteger or BigDecimal for {@code tokens}, or
   * as {@link #NOT_A_SCALAR} for anything no field accepts (an object, array or boolean; a number in another
   * field).
   */
  private static Object[] fields(Buffer body) {
    if (body == null || body.length() == 0) {
      throw invalid("invalid_json", "request body is empty; send a JSON object such as {\"client_id\": \"abc\"}");
    }
    try (JsonParser parser = JSON.createParser(BodyEncoding.utf8(body))) {
      return fields(parser);
    } catch (IOException e) {
      throw invalid("invalid_json", "request body is not valid JSON");
    }
  }

  private static Object[] fields(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw invalid("invalid_json", "request body must be a JSON object");
    }
    Object[] values = new Object[3];
    int seen = 0;
    while (nextToken(parser) == JsonToken.FIELD_NAME) {
      int field = FIELDS.indexOf(parser.currentName());
      JsonToken token = nextToken(parser);
      if (field >= 0) {
        seen = once(seen, field);
        values[field] = value(parser, token, field);
      } else {
        parser.skipChildren();
      }
    }
    if (parser.nextToken() != null) {
      throw invalid("invalid_json", "request body is not valid JSON: content after the object");
    }
    return values;
  }

  /**
   * The next token. Jackson reads a field's value along with its name, and refuses a number of more than
   * 1000 characters; when that number is the value of {@code tokens} it is a bad {@code tokens}.
   */
  private static JsonToken nextToken(JsonParser parser) throws IOException {
    try {
      return parser.nextToken();
    } catch (StreamConstraintsException e) {
      if (FIELDS.get(TOKENS).equals(parser.currentName())) {
        throw invalid("invalid_tokens", "tokens is too long a number");
      }
      throw e;
    }
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

  private static Object value(JsonParser parser, JsonToken token, int field) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> field == TOKENS ? number(parser, token) : NOT_A_SCALAR;
      case VALUE_NULL -> null;
      default -> {
        parser.skipChildren();
        yield NOT_A_SCALAR;
      }
    };
  }

  /**
   * The number of {@code tokens} exactly as written: one with a fraction or an exponent as a BigDecimal,
   * since as a double 0.99999999999999999 would become 1 and 1e-400 would become 0.
   */
  private static Number number(JsonParser parser, JsonToken token) throws IOException {
    try {
      return token == JsonToken.VALUE_NUMBER_INT ? parser.getNumberValue() : parser.getDecimalValue();
    } catch (StreamConstraintsException e) {
      throw invalid("invalid_tokens", "tokens is too long a number");
    } catch (NumberFormatException e) {
      throw invalid("invalid_tokens", "tokens has an exponent out of range");
    }
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
    if (value instanceof BigInteger big) {
      throw invalid("invalid_tokens", big.signum() < 0 ? "tokens must be >= 0" : "tokens is too large");
    }
    if (value instanceof BigDecimal decimal) {
      return wholeNumber(decimal);
    }
    throw invalid("invalid_tokens", "tokens must be a whole number >= 0");
  }

  /** A value such as 2.0 or 1e2 is whole; any fraction, however small, is not. */
  private static long wholeNumber(BigDecimal value) {
    if (value.signum() < 0) {
      throw invalid("invalid_tokens", "tokens must be >= 0, not " + shown(value));
    }
    if (value.compareTo(MAX_TOKENS) > 0) {
      throw invalid("invalid_tokens", "tokens is too large");
    }
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw invalid("invalid_tokens", "tokens must be a whole number, not " + shown(value));
    }
    return stripped.longValueExact();
  }

  private static String shown(BigDecimal value) {
    return value.precision() <= 40 ? value.toString() : "a number with " + value.precision() + " digits";
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
