package io.shiftrec.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * Decodes UTF-8 with {@link CodingErrorAction#REPORT}. A broken byte sequence does not end the file: it becomes
 * U+FFFD and its line number is recorded, so the row holding it can be rejected by line while reading goes on.
 * A leading byte-order mark is dropped. Lines are counted by '\n'.
 */
final class StrictUtf8Reader extends Reader {
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
  private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
  private final TreeSet<Long> brokenLines = new TreeSet<>();
  private long decodedLine = 1;
  private boolean endOfInput;
  private boolean flushed;
  private boolean atStart = true;

  StrictUtf8Reader(InputStream in) {
    this.in = in;
  }

  /** The first line in {@code [from, to]} that held broken UTF-8, or -1. Lines already decoded only. */
  long brokenLineIn(long from, long to) {
    Long line = brokenLines.ceiling(from);
    return line != null && line <= to ? line : -1;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (!chars.hasRemaining() && !fill()) return -1;
    int n = Math.min(len, chars.remaining());
    chars.get(buf, off, n);
    return n;
  }

  private boolean fill() throws IOException {
    if (flushed) return false;
    chars.clear();
    while (true) {
      int start = chars.position();
      CoderResult result = decoder.decode(bytes, chars, endOfInput);
      countLines(start, chars.position());
      if (result.isError()) {
        brokenLines.add(decodedLine);
        bytes.position(bytes.position() + result.length());
        if (chars.hasRemaining()) chars.put('\uFFFD');
      } else if (result.isOverflow()) {
        break;
      } else if (endOfInput) {
        decoder.flush(chars);
        flushed = true;
        break;
      } else if (chars.position() > 0) {
        break;
      } else {
        readBytes();
      }
    }
    chars.flip();
    if (atStart && chars.hasRemaining()) {
      atStart = false;
      if (chars.get(chars.position()) == '\uFEFF') chars.get();
    }
    return chars.hasRemaining() || fill();
  }

  private void readBytes() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      endOfInput = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  private void countLines(int from, int to) {
    for (int i = from; i < to; i++) {
      if (chars.get(i) == '\n') decodedLine++;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
