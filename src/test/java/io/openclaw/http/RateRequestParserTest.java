package io.openclaw.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.openclaw.config.ConfigLoader;
import io.openclaw.node.RateRequest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateRequestParserTest {
  private final RateRequestParser parser = new RateRequestParser(new ConfigLoader(Map.of()).fromYaml("""
      bucket: {capacity: 100}
      services: {search: {capacity: 5}}
      """).buckets());

  private RateRequest parse(String body) {
    return parser.parse("application/json", Buffer.buffer(body));
  }

  private BadRequest rejected(String contentType, String body) {
    return catchThrowableOfType(BadRequest.class, () -> parser.parse(contentType, Buffer.buffer(body)));
  }

  private BadRequest rejectedBytes(byte[] body) {
    return catchThrowableOfType(BadRequest.class, () -> parser.parse("application/json", Buffer.buffer(body)));
  }

  /** A body around the client id {@code "alias" + bytes + "x"}, where the bytes may be invalid UTF-8. */
  private static byte[] clientIdWith(int... bytes) {
    Buffer body = Buffer.buffer("{\"client_id\": \"alias");
    for (int b : bytes) {
      body.appendByte((byte) b);
    }
    return body.appendString("x\"}").getBytes();
  }

  @Test
  void appliesDefaultsForTokensAndService() {
    assertThat(parse("{\"client_id\": \"abc\"}")).isEqualTo(new RateRequest("default", "abc", 1));
  }

  @Test
  void acceptsAnyCharactersInClientId() {
    assertThat(parse("{\"client_id\": \"{a}:b c ü 😀\", \"tokens\": 0}").clientId()).isEqualTo("{a}:b c ü 😀");
  }

  @Test
  void acceptsIntegralNumbersWrittenWithADecimalPoint() {
    assertThat(parse("{\"client_id\": \"a\", \"tokens\": 2.0}").tokens()).isEqualTo(2);
  }

  @Test
  void rejectsBadTokens() {
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": -1}").getMessage()).contains(">= 0");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1.5}").getMessage()).contains("whole number");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": \"1\"}").error()).isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1e300}").error()).isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 99999999999999999999999}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 99999999999999999999999}").getMessage())
        .isEqualTo("tokens is too large");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": -9223372036854775809}").getMessage())
        .as("a negative number beyond a long is negative first").isEqualTo("tokens must be >= 0");
  }

  @Test
  void judgesFractionalTokensExactlyInsteadOfRoundingThem() {
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 0.99999999999999999}").getMessage())
        .contains("whole number");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 4.9999999999999999}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1e-400}").error()).isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1.00000000000000001}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": -0.5}").error()).isEqualTo("invalid_tokens");
  }

  @Test
  void acceptsWholeNumbersWrittenWithAnExponent() {
    assertThat(parse("{\"client_id\": \"a\", \"tokens\": 1e1}").tokens()).isEqualTo(10);
    assertThat(parse("{\"client_id\": \"a\", \"tokens\": 2.50E1}").tokens()).isEqualTo(25);
  }

  @Test
  void rejectsNumbersTooLongOrTooFarOutAsBadTokens() {
    String digits = "9".repeat(4000);

    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": " + digits + "}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 0." + digits + "}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1e-9999999999}").error())
        .isEqualTo("invalid_tokens");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": 1e99999999999999}").error())
        .isEqualTo("invalid_tokens");
    assertThat(parse("{\"client_id\": \"a\", \"x\": 1e99999999999999}").clientId()).isEqualTo("a");
  }

  @Test
  void rejectsMoreTokensThanTheServiceBucketCanHold() {
    BadRequest error = rejected(null, "{\"client_id\": \"a\", \"tokens\": 6, \"service\": \"search\"}");

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.error()).isEqualTo("tokens_exceed_capacity");
    assertThat(error.getMessage()).contains("capacity 5");
    assertThat(parse("{\"client_id\": \"a\", \"tokens\": 6}").tokens()).isEqualTo(6);
  }

  @Test
  void rejectsMissingOrMalformedClientId() {
    assertThat(rejected(null, "{\"tokens\": 1}").error()).isEqualTo("missing_client_id");
    assertThat(rejected(null, "{\"client_id\": \"\"}").error()).isEqualTo("invalid_client_id");
    assertThat(rejected(null, "{\"client_id\": 7}").error()).isEqualTo("invalid_client_id");
    assertThat(rejected(null, "{\"client_id\": \"\\ud800\"}").error()).isEqualTo("invalid_client_id");
  }

  @Test
  void rejectsBodiesThatAreNotWellFormedUtf8() {
    BadRequest overlongSlash = rejectedBytes(clientIdWith(0xc0, 0xaf));

    assertThat(overlongSlash.status()).isEqualTo(400);
    assertThat(overlongSlash.error()).isEqualTo("invalid_json");
    assertThat(overlongSlash.getMessage()).contains("not valid UTF-8");
    assertThat(rejectedBytes(clientIdWith(0xc1, 0xbb)).error()).isEqualTo("invalid_json");
    assertThat(rejectedBytes(clientIdWith(0xc0, 0x80)).error()).isEqualTo("invalid_json");
    assertThat(rejectedBytes(clientIdWith(0xed, 0xa0, 0x80)).error()).isEqualTo("invalid_json");
    assertThat(rejectedBytes(clientIdWith(0xf4, 0x90, 0x80, 0x80)).error()).isEqualTo("invalid_json");
    assertThat(rejectedBytes(clientIdWith(0xe2, 0x82)).error()).isEqualTo("invalid_json");
    assertThat(rejectedBytes(clientIdWith(0xff)).error()).isEqualTo("invalid_json");
  }

  @Test
  void readsTheBodyAsUtf8Only() {
    byte[] utf16 = "{\"client_id\": \"a\"}".getBytes(StandardCharsets.UTF_16LE);

    assertThat(rejectedBytes(utf16).error()).isEqualTo("invalid_json");
    assertThat(parser.parse(null, Buffer.buffer(clientIdWith(0xc3, 0xa9))).clientId()).isEqualTo("aliaséx");
    assertThat(parser.parse(null, Buffer.buffer(clientIdWith(0xf0, 0x9f, 0x98, 0x80))).clientId())
        .isEqualTo("alias😀x");
  }

  @Test
  void clientIdLimitIsCountedInUtf8Bytes() {
    String fits = "é".repeat(128);
    String tooLong = "é".repeat(129);

    assertThat(parse("{\"client_id\": \"" + fits + "\"}").clientId()).isEqualTo(fits);
    assertThat(rejected(null, "{\"client_id\": \"" + tooLong + "\"}").getMessage()).contains("256 bytes");
  }

  @Test
  void rejectsBadServiceNames() {
    assertThat(rejected(null, "{\"client_id\": \"a\", \"service\": \"a b\"}").error()).isEqualTo("invalid_service");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"service\": 3}").error()).isEqualTo("invalid_service");
  }

  @Test
  void rejectsBodiesThatAreNotAJsonObject() {
    assertThat(rejected(null, "").error()).isEqualTo("invalid_json");
    assertThat(rejected(null, "{\"client_id\": ").error()).isEqualTo("invalid_json");
    assertThat(rejected(null, "[1, 2]").getMessage()).contains("JSON object");
    assertThat(rejected(null, "null").error()).isEqualTo("invalid_json");
  }

  @Test
  void rejectsContentAfterTheObject() {
    assertThat(rejected(null, "{\"client_id\": \"a\"} {\"client_id\": \"b\"}").error()).isEqualTo("invalid_json");
    assertThat(rejected(null, "{\"client_id\": \"a\"} x").error()).isEqualTo("invalid_json");
  }

  @Test
  void rejectsAKnownFieldGivenTwice() {
    BadRequest twice = rejected("application/json", "{\"client_id\": \"a\", \"client_id\": \"b\"}");
    BadRequest tokensTwice = rejected("application/json", "{\"client_id\": \"a\", \"tokens\": 1, \"tokens\": 0}");

    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.error()).isEqualTo("invalid_json");
    assertThat(twice.getMessage()).contains("client_id more than once");
    assertThat(tokensTwice.getMessage()).contains("tokens more than once");
    assertThat(parse("{\"client_id\": \"a\", \"x\": 1, \"x\": 2}").clientId()).isEqualTo("a");
  }

  @Test
  void ignoresUnknownFieldsOfAnyShape() {
    RateRequest request = parse("{\"trace\": {\"id\": [1, 2]}, \"client_id\": \"a\", \"tokens\": 3, \"x\": null}");

    assertThat(request).isEqualTo(new RateRequest("default", "a", 3));
  }

  @Test
  void rejectsNestedValuesInKnownFields() {
    assertThat(rejected(null, "{\"client_id\": {\"a\": 1}}").error()).isEqualTo("invalid_client_id");
    assertThat(rejected(null, "{\"client_id\": \"a\", \"tokens\": [1]}").error()).isEqualTo("invalid_tokens");
  }

  @Test
  void rejectsOtherMediaTypesWith415() {
    assertThat(rejected("text/plain", "{\"client_id\": \"a\"}").status()).isEqualTo(415);
    assertThat(parser.parse("application/json; charset=utf-8", Buffer.buffer("{\"client_id\": \"a\"}")).clientId())
        .isEqualTo("a");
  }

  @Test
  void rejectsAnyCharsetButUtf8With415() {
    BadRequest latin1 = rejected("application/json; charset=iso-8859-1", "{\"client_id\": \"a\"}");

    assertThat(latin1.status()).isEqualTo(415);
    assertThat(latin1.error()).isEqualTo("unsupported_media_type");
    assertThat(latin1.getMessage()).contains("iso-8859-1");
    assertThat(rejected("application/json;charset=UTF-16", "{\"client_id\": \"a\"}").status()).isEqualTo(415);
    assertThat(rejected("application/json; charset=", "{\"client_id\": \"a\"}").status()).isEqualTo(415);
    assertThat(parser.parse("Application/JSON;Charset=\"UTF-8\"", Buffer.buffer("{\"client_id\": \"a\"}"))
        .clientId()).isEqualTo("a");
    assertThat(parser.parse("application/json; q=1", Buffer.buffer("{\"client_id\": \"a\"}")).clientId())
        .isEqualTo("a");
  }
}
