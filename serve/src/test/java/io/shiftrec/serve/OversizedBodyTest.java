package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body over the limit is answered with a 413 problem the client reads, on every try: a server that answers and
 * closes while the client is still sending makes the client's TCP stack see a reset instead of the answer. Raw
 * sockets, so the framing and the pace of the upload are the test's.
 */
class OversizedBodyTest {
  private static final String KEY = "test-key-0123456789";
  private static final int LIMIT = 1024;
  private static final int ROUNDS = 40;

  @TempDir static Path dir;
  static ShiftRecServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ShiftRecServer.start(new ServeConfig(TestStore.create(dir).toString(), "127.0.0.1", 0, KEY, false,
        LIMIT));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aBodyAnnouncedOverTheLimitIsAnswered413Readably() throws Exception {
    byte[] body = new byte[512 * 1024];
    for (int round = 0; round < ROUNDS; round++) {
      String answer = exchange("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n", body, false);
      assertTrue(answer.startsWith("HTTP/1.1 413 "), "round " + round + ": " + answer);
      assertTrue(answer.contains("application/problem+json"), answer);
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIsAnswered413Readably() throws Exception {
    byte[] body = new byte[512 * 1024];
    for (int round = 0; round < ROUNDS; round++) {
      String answer = exchange("POST /items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", body, true);
      assertTrue(answer.startsWith("HTTP/1.1 413 "), "round " + round + ": " + answer);
    }
  }

  @Test
  void refusalsBeforeTheBodyIsReadAreAnsweredReadablyToo() throws Exception {
    byte[] body = new byte[512 * 1024];
    for (int round = 0; round < ROUNDS / 4; round++) {
      String unauthorised = exchange("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n", body, false);
      assertTrue(unauthorised.startsWith("HTTP/1.1 401 "), "round " + round + ": " + unauthorised);
      String wrongType = exchange("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n", body, false);
      assertTrue(wrongType.startsWith("HTTP/1.1 415 "), "round " + round + ": " + wrongType);
    }
  }

  /** The JDK's client is one that gives up on the answer when its upload fails. */
  @Test
  void theJdkClientReadsThe413() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest oversized = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/events"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[" + " ".repeat(70 * 1024) + "]")).build();
    for (int round = 0; round < ROUNDS * 5; round++) {
      HttpResponse<String> answer = http.send(oversized, HttpResponse.BodyHandlers.ofString());
      assertEquals(413, answer.statusCode(), "round " + round);
      assertTrue(answer.body().contains("urn:shiftrec:problem:too-large"), answer.body());
    }
  }

  @Test
  void aClientExpectingContinueIsRefusedBeforeItSendsTheBody() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 1000000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = readAnswer(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
    }
  }

  /**
   * Sends the head, then the whole body, then reads the answer: as most clients do, a failed upload (the server
   * stopped reading and closed) fails the exchange.
   */
  private static String exchange(String head, byte[] body, boolean chunked) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      int piece = 8 * 1024;
      for (int at = 0; at < body.length; at += piece) {
        int n = Math.min(piece, body.length - at);
        if (chunked) out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, at, n);
        if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      if (chunked) out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readAnswer(socket.getInputStream());
    }
  }

  /** The status line, the headers and as much of the body as the Content-Length announces. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.size() >= 4 && head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) break;
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
    }
    byte[] body = in.readNBytes(length);
    assertEquals(length, body.length, "the answer was cut: " + text);
    return text + new String(body, StandardCharsets.UTF_8);
  }
}
