package io.shiftrec.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Store;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Sends {@link ApiFuzzer} requests over a raw loopback socket, one connection each, and checks every answer: no 5xx,
 * an answer within the time limit, no Java stack trace or exception class in the body, every 4xx as
 * {@code application/problem+json}, JSON answers that parse, and nothing stored by a refused request (the store's
 * items, users and events counted before and after it).
 */
public final class FuzzClient {
  /** What an answer must never be. */
  public enum Defect {
    /** A 5xx status. */
    SERVER_ERROR,
    /** No complete answer within the time limit. */
    HANG,
    /** The connection closed (or reset) without an answer to a complete request. */
    NO_ANSWER,
    /** Stack frames or a Java exception class in the body. */
    STACK_TRACE,
    /** A 4xx that is not {@code application/problem+json} with its fields. */
    NOT_PROBLEM_JSON,
    /** An answer labelled JSON that does not parse. */
    MALFORMED_JSON,
    /** A 2xx JSON answer that departs from the schema the OpenAPI document gives for it. */
    SCHEMA_MISMATCH,
    /** A refused request changed the store's counts. */
    STORED_WHEN_REFUSED
  }

  /** An answer: status (-1 when none came), headers (lower-case names, first value), body, time taken. */
  public record Response(int status, Map<String, String> headers, byte[] body, long nanos, String failure,
                         boolean timedOut) {
    public String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  public record Finding(Defect defect, String detail) {}

  /** A request, its answer, and what was wrong with it (empty when nothing). */
  public record Result(ApiFuzzer.Request request, Response response, List<Finding> findings) {
    /** Groups findings that are the same defect: what, where, the answer's status and type, what the request did. */
    public String signature(Finding f) {
      String type = response.contentType().replaceAll(";.*", "").trim();
      return f.defect() + " | " + request.operation() + (request.method().equals(request.operation().split(" ")[0])
          ? "" : " sent as " + ApiFuzzer.label(request.method())) + " | " + (response.status() < 0 ? "no status"
          : response.status() + " " + (type.isEmpty() ? "(no content type)" : type)) + " | "
          + request.primaryMutation().replaceAll("@\\d+$", "");
    }

    /** The request and its answer for a report. */
    public String describe(String apiKey) {
      StringBuilder s = new StringBuilder();
      s.append("request: ").append(request.describe(300, apiKey).replace("\n", "\n  ")).append('\n');
      s.append("  mutations: ").append(request.mutations()).append('\n');
      if (response.status() < 0) {
        s.append("answer: none (").append(response.failure()).append(") after ")
            .append(String.format(Locale.ROOT, "%.0f ms", response.nanos() / 1e6));
      } else {
        s.append("answer: ").append(response.status()).append(' ').append(response.contentType()).append(", ")
            .append(String.format(Locale.ROOT, "%.0f ms", response.nanos() / 1e6)).append(": ")
            .append(ApiFuzzer.excerpt(response.body(), 400, apiKey));
      }
      for (Finding f : findings) s.append("\n  ").append(f.defect()).append(": ").append(f.detail());
      return s.toString();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4 << 20;
  private static final int MAX_LINE = 64 * 1024;
  private static final Pattern FRAME = Pattern.compile(
      "(?m)^\\s*at [\\w$]+(?:\\.[\\w$<>]+)+\\((?:[\\w$-]+\\.(?:java|kt)(?::\\d+)?|Native Method|Unknown Source)\\)"
          + "|\\tat [\\w$]+\\.|Caused by: [\\w$.]+");
  private static final Pattern EXCEPTION = Pattern.compile("\\b(?:java|javax|jakarta|jdk|sun|org\\.eclipse|"
      + "io\\.javalin|io\\.shiftrec|com\\.fasterxml|org\\.sqlite|kotlin)\\.[\\w.$]*(?:Exception|Error|Throwable)\\b");
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fuzz-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final String host;
  private final int port;
  private final int timeoutMillis;
  private final Supplier<Store.Counts> counts;
  private final ApiFuzzer spec;

  /**
   * @param timeoutMillis the longest an answer may take
   * @param counts the store's counts now (read through a connection of its own), for the refused-write check
   * @param spec the fuzzer whose document 2xx answers are checked against
   */
  public FuzzClient(String host, int port, int timeoutMillis, Supplier<Store.Counts> counts, ApiFuzzer spec) {
    this.host = host;
    this.port = port;
    this.timeoutMillis = timeoutMillis;
    this.counts = counts;
    this.spec = spec;
  }

  /** Sends the request and checks its answer (and, for a refused request that may write, the store). */
  public Result exchange(ApiFuzzer.Request request) {
    Store.Counts before = request.mayWrite() ? counts.get() : null;
    Response response = send(request);
    Store.Counts after = before != null && (response.status() >= 400 || response.status() < 0) ? counts.get() : null;
    List<Finding> findings = check(request, response, before, after);
    if (response.status() >= 200 && response.status() < 300 && request.wire() == null
        && request.operation().startsWith(request.method() + " ")
        && response.contentType().toLowerCase(Locale.ROOT).startsWith("application/json")) {
      try {
        List<String> mismatches = spec.schemaMismatches(request.operation(), response.status(),
            JSON.readTree(response.body()));
        if (!mismatches.isEmpty()) {
          findings = new ArrayList<>(findings);
          findings.add(new Finding(Defect.SCHEMA_MISMATCH, String.join("; ", mismatches)));
        }
      } catch (IOException e) {
        // reported by check as malformed JSON
      }
    }
    return new Result(request, response, findings);
  }

  /** Everything wrong with an answer; {@code before} and {@code after} are null when the store was not counted. */
  public static List<Finding> check(ApiFuzzer.Request request, Response r, Store.Counts before,
                                    Store.Counts after) {
    List<Finding> out = new ArrayList<>(1);
    if (r.timedOut()) {
      out.add(new Finding(Defect.HANG, "no complete answer after " + Math.round(r.nanos() / 1e6) + " ms"
          + (r.status() > 0 ? " (status " + r.status() + " came)" : "")));
    } else if (r.status() < 0 && request.answerOwed()) {
      out.add(new Finding(Defect.NO_ANSWER, r.failure()));
    }
    // 505 is the answer RFC 9110 defines for a request line that is not HTTP/1.x (HTTP/0.9 when the version is
    // missing, as when a raw CR LF cuts the target): no defect there, but everywhere else a 5xx is
    if (r.status() >= 500 && !(r.status() == 505 && !isHttp1RequestLine(request))) {
      out.add(new Finding(Defect.SERVER_ERROR, "status " + r.status()));
    }
    String text = new String(r.body(), StandardCharsets.ISO_8859_1);
    var frame = FRAME.matcher(text);
    var exception = EXCEPTION.matcher(text);
    if (frame.find()) {
      out.add(new Finding(Defect.STACK_TRACE, "stack frame in the body: " + frame.group()));
    } else if (exception.find()) {
      out.add(new Finding(Defect.STACK_TRACE, "exception class in the body: " + exception.group()));
    }
    String type = r.contentType().toLowerCase(Locale.ROOT);
    JsonNode json = null;
    boolean hasBody = r.body().length > 0 && !request.isHead();
    if (type.contains("json") && hasBody) {
      try {
        json = JSON.readTree(r.body());
      } catch (IOException e) {
        out.add(new Finding(Defect.MALFORMED_JSON, "the " + r.contentType() + " body does not parse: "
            + ApiFuzzer.excerpt(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8), 160, null)));
      }
    }
    if (r.status() >= 400 && r.status() < 500) {
      if (!type.startsWith("application/problem+json")) {
        out.add(new Finding(Defect.NOT_PROBLEM_JSON, "content type '" + r.contentType() + "'"));
      } else if (hasBody && json != null && (!json.isObject() || json.path("status").asInt() != r.status()
          || !json.has("type") || !json.has("title"))) {
        out.add(new Finding(Defect.NOT_PROBLEM_JSON, "a problem without type, title or the status " + r.status()));
      } else if (!hasBody && !request.isHead()) {
        out.add(new Finding(Defect.NOT_PROBLEM_JSON, "an empty body"));
      }
    }
    if (before != null && after != null && (before.items() != after.items() || before.users() != after.users()
        || before.events() != after.events())) {
      out.add(new Finding(Defect.STORED_WHEN_REFUSED, "items/users/events " + before.items() + "/" + before.users()
          + "/" + before.events() + " -> " + after.items() + "/" + after.users() + "/" + after.events()));
    }
    return out;
  }

  private static final Pattern HTTP1_LINE = Pattern.compile("[!-~]+ [!-~]+ HTTP/1\\.[01]\r?");

  /** Whether the request's first line is a well-formed HTTP/1.0 or 1.1 request line. */
  static boolean isHttp1RequestLine(ApiFuzzer.Request request) {
    String line;
    if (request.wire() == null) {
      line = request.method() + " " + request.target() + " HTTP/1.1";
    } else {
      byte[] w = request.wire();
      int end = 0;
      while (end < w.length && w[end] != '\n') end++;
      if (end == w.length) return false;
      line = new String(w, 0, end, StandardCharsets.ISO_8859_1);
    }
    return HTTP1_LINE.matcher(line).matches();
  }

  // ------------------------------------------------------------------------------------------------ the socket

  /** Sends the request on a fresh connection and reads one answer (skipping interim 1xx answers). */
  public Response send(ApiFuzzer.Request request) {
    long start = System.nanoTime();
    long deadline = start + timeoutMillis * 1_000_000L;
    Socket socket = new Socket();
    // a write the server never reads would block without end: closing the socket ends it
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(socket), timeoutMillis + 500L,
        TimeUnit.MILLISECONDS);
    String writeFailure = null;
    try {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.bytes(host + ":" + port));
        out.flush();
        if (request.halfClose()) socket.shutdownOutput();
      } catch (IOException e) {
        writeFailure = "sending failed (" + e.getMessage() + ")";
      }
      InputStream in = new java.io.BufferedInputStream(new DeadlineInput(socket, deadline), 16 * 1024);
      return read(in, request.isHead(), start, writeFailure);
    } catch (SocketTimeoutException e) {
      return new Response(-1, Map.of(), new byte[0], System.nanoTime() - start, "timed out", true);
    } catch (IOException e) {
      long took = System.nanoTime() - start;
      boolean late = took >= timeoutMillis * 1_000_000L;
      String failure = (writeFailure == null ? "" : writeFailure + ", then ") + "reading failed ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
      return new Response(-1, Map.of(), new byte[0], took, late ? "timed out: " + failure : failure, late);
    } finally {
      watchdog.cancel(false);
      closeQuietly(socket);
    }
  }

  private static Response read(InputStream in, boolean head, long start, String writeFailure) throws IOException {
    int status;
    Map<String, String> headers = new HashMap<>();
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return new Response(-1, Map.of(), new byte[0], System.nanoTime() - start,
            (writeFailure == null ? "" : writeFailure + ", then ") + "closed without an answer", false);
      }
      if (!line.startsWith("HTTP/1.") || line.length() < 12) {
        return new Response(-1, Map.of(), line.getBytes(StandardCharsets.ISO_8859_1), System.nanoTime() - start,
            "not an HTTP status line: " + ApiFuzzer.excerpt(line.getBytes(StandardCharsets.ISO_8859_1), 80, null),
            false);
      }
      status = Integer.parseInt(line.substring(9, 12));
      headers.clear();
      String h;
      while ((h = readLine(in)) != null && !h.isEmpty()) {
        int colon = h.indexOf(':');
        if (colon > 0) headers.putIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            h.substring(colon + 1).trim());
      }
      if (h == null) {
        return new Response(status, headers, new byte[0], System.nanoTime() - start, "closed in the headers", false);
      }
      if (status >= 200 || status == 101) break; // 100 Continue and the like come before the answer
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String failure = null;
    try {
      if (head || status == 204 || status == 304) {
        // no body
      } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
        while (true) {
          String size = readLine(in);
          if (size == null) throw new IOException("closed in a chunk size");
          int semi = size.indexOf(';');
          long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (n == 0) {
            String trailer;
            while ((trailer = readLine(in)) != null && !trailer.isEmpty()) { }
            break;
          }
          copy(in, body, n);
          readLine(in);
        }
      } else if (headers.containsKey("content-length")) {
        copy(in, body, Long.parseLong(headers.get("content-length")));
      } else {
        copy(in, body, Long.MAX_VALUE);
      }
    } catch (NumberFormatException e) {
      failure = "bad framing in the answer: " + e.getMessage();
    }
    return new Response(status, headers, body.toByteArray(), System.nanoTime() - start, failure, false);
  }

  /** Copies up to {@code n} bytes (or to the end when n is Long.MAX_VALUE), keeping at most {@value #MAX_BODY}. */
  private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    byte[] buffer = new byte[8192];
    long left = n;
    while (left > 0) {
      int got = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (got < 0) {
        if (n == Long.MAX_VALUE) return;
        throw new IOException("closed " + left + " bytes before the end of the answer's body");
      }
      if (out.size() < MAX_BODY) out.write(buffer, 0, Math.min(got, MAX_BODY - out.size()));
      left -= got;
    }
  }

  /** A line without its CRLF (or LF), as ISO-8859-1; null at the end of the stream before any byte. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = s.length();
        if (len > 0 && s.charAt(len - 1) == '\r') s.setLength(len - 1);
        return s.toString();
      }
      if (s.length() >= MAX_LINE) throw new IOException("a line of the answer is longer than " + MAX_LINE);
      s.append((char) c);
    }
    return s.length() == 0 ? null : s.toString();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
  }

  /** The socket's input, each read given only the time left before the deadline. */
  private static final class DeadlineInput extends FilterInputStream {
    private final Socket socket;
    private final long deadline;

    DeadlineInput(Socket socket, long deadline) throws IOException {
      super(socket.getInputStream());
      this.socket = socket;
      this.deadline = deadline;
    }

    private void arm() throws IOException {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) throw new SocketTimeoutException("past the deadline");
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    @Override
    public int read() throws IOException {
      arm();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      arm();
      return super.read(b, off, len);
    }
  }
}
