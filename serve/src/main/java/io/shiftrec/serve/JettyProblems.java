package io.shiftrec.serve;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives before a route runs (a malformed request line, a URI or headers too long, an ambiguous
 * path) as problem+json, like every other error, instead of Jetty's HTML page. The cause is never written out.
 */
final class JettyProblems extends ErrorHandler {
  private static final String PROBLEM_JSON = "application/problem+json";

  /** Every method gets a problem document, not only GET, POST and HEAD. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(problem(code, message, request.getHttpURI().getPath())), callback);
  }

  /** A message refused while its head was parsed, before there was a request. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
    fields.put("X-Content-Type-Options", "nosniff");
    return ByteBuffer.wrap(problem(status, reason, null));
  }

  private static byte[] problem(int status, String message, String path) {
    String title = HttpStatus.getMessage(status);
    String detail = message == null || message.isBlank() ? title : message;
    return ShiftRecServer.bytes(Problem.http(status, title, detail).body(path));
  }
}
