package io.openclaw.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One mapping of the YAML file, read key by key. Every value is checked where it is read, and
 * {@link #finish()} rejects the keys nobody asked for, so a typo stops start-up instead of being ignored.
 */
final class Section {
  private final String path;
  private final JsonNode node;
  private final Set<String> known = new LinkedHashSet<>();

  Section(String path, JsonNode node) {
    this.path = path;
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    if (!this.node.isMissingNode() && !this.node.isObject()) {
      throw new ConfigException(name("") + " must be a mapping of keys to values");
    }
  }

  String name(String key) {
    if (path.isEmpty()) {
      return key.isEmpty() ? "the top level" : key;
    }
    return key.isEmpty() ? path : path + "." + key;
  }

  boolean has(String key) {
    known.add(key);
    return node.has(key) && !node.get(key).isNull();
  }

  /**
   * The mapping under {@code key}; an absent key reads as an empty mapping. A key given with no value
   * ({@code http:} or {@code http: null}) is refused rather than read as all defaults, as it is more likely a
   * mapping lost to indentation than a wish for the defaults.
   */
  Section section(String key) {
    known.add(key);
    JsonNode value = node.get(key);
    if (value != null && value.isNull()) {
      throw invalid(key, "must be a mapping of keys to values, not empty; write {} for all defaults");
    }
    return new Section(name(key), value);
  }

  Iterator<String> keys() {
    return node.fieldNames();
  }

  String string(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(key, "must be a non-empty string");
    }
    return value.asText();
  }

  boolean bool(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isBoolean()) {
      throw invalid(key, "must be true or false, not " + value);
    }
    return value.booleanValue();
  }

  long integer(String key, long fallback, long min, long max) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    long result;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      result = value.longValue();
    } else if (isExactWholeDouble(value)) {
      result = (long) value.doubleValue();  // e.g. 1e3, which YAML reads as a float
    } else {
      throw invalid(key, "must be a whole number, not " + value);
    }
    if (result < min || result > max) {
      throw invalid(key, "must be between " + min + " and " + max + ", not " + result);
    }
    return result;
  }

  /** A float with no fraction that a double holds exactly (below 2^53), such as {@code 1e3} or {@code 25.0}. */
  private static boolean isExactWholeDouble(JsonNode value) {
    if (!value.isFloatingPointNumber()) {
      return false;
    }
    double number = value.doubleValue();
    return Double.isFinite(number) && number == Math.rint(number) && Math.abs(number) < 0x1p53;
  }

  BigDecimal decimal(String key, BigDecimal fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isNumber()) {
      throw invalid(key, "must be a number, not " + value);
    }
    return new BigDecimal(value.asText());
  }

  List<String> strings(String key, List<String> fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    List<String> result = new ArrayList<>();
    if (value.isTextual()) {
      for (String part : value.asText().split(",")) {
        result.add(part.trim());
      }
    } else if (value.isArray()) {
      for (JsonNode item : value) {
        if (!item.isTextual()) {
          throw invalid(key, "must be a list of strings");
        }
        result.add(item.asText().trim());
      }
    } else {
      throw invalid(key, "must be a list of strings");
    }
    return result;
  }

  <T> T parsed(String key, T fallback, Function<String, T> parser) {
    String text = string(key, null);
    if (text == null) {
      return fallback;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw invalid(key, e.getMessage());
    }
  }

  ConfigException invalid(String key, String problem) {
    return new ConfigException(name(key) + " " + problem);
  }

  void finish() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!known.contains(key)) {
        throw new ConfigException("unknown key " + name(key) + (known.isEmpty() ? "" : " (known keys: "
            + String.join(", ", known) + ")"));
      }
    }
  }
}
