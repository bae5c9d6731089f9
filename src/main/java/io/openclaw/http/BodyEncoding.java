package io.openclaw.http;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one encoding a rate request may come in: JSON in UTF-8, checked before the JSON is read. */
final class BodyEncoding {
  private BodyEncoding() {
  }

  /** The body must be JSON in UTF-8: a charset parameter, if any, must say so (case does not matter). */
  static void checkContentType(String contentType) {
    if (contentType == null) {
      return;
    }
    int end = contentType.indexOf(';');
    String mediaType = (end < 0 ? contentType : contentType.substring(0, end)).trim();
    if (!mediaType.equalsIgnoreCase("application/json")) {
      throw new BadRequest(415, "unsupported_media_type",
          "Content-Type must be application/json, not '" + mediaType + "'");
    }
    if (end >= 0) {
      for (String parameter : contentType.substring(end + 1).split(";")) {
        checkCharset(parameter);
      }
    }
  }

  private static void checkCharset(String parameter) {
    int equals = parameter.indexOf('=');
    String name = (equals < 0 ? parameter : parameter.substring(0, equals)).trim();
    if (!name.equalsIgnoreCase("charset")) {
      return;
    }
    String charset = equals < 0 ? "" : parameter.substring(equals + 1).trim();
    if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
      charset = charset.substring(1, charset.length() - 1);
    }
    if (!charset.equalsIgnoreCase("utf-8")) {
      throw new BadRequest(415, "unsupported_media_type",
          "the body must be JSON in UTF-8, not in charset '" + charset + "'");
    }
  }

  /**
   * The bytes of a body that is well-formed UTF-8, the only encoding accepted. Jackson would read overlong
   * forms ({@code C0 AF} as '/') and guess UTF-16 or UTF-32 from NUL bytes, so two different bodies could
   * name the same bucket. An all-ASCII body without NUL, the common case, needs no decoding; a NUL byte is
   * never valid JSON text anyway.
   */
  static byte[] utf8(Buffer body) {
    byte[] bytes = body.getBytes();
    for (byte b : bytes) {
      if (b <= 0) {
        checkUtf8(bytes);
        break;
      }
    }
    return bytes;
  }

  private static void checkUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new BadRequest(400, "invalid_json", "request body is not valid UTF-8");
    }
    for (byte b : bytes) {
      if (b == 0) {
        throw new BadRequest(400, "invalid_json", "request body is not valid JSON: it has a NUL byte");
      }
    }
  }
}
