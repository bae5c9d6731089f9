package io.openclaw.http;

/** Input a client must fix; carries the HTTP status and the error code of the JSON body. */
public final class BadRequest extends RuntimeException {
  private final int status;
  private final String error;

  public BadRequest(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }
}
