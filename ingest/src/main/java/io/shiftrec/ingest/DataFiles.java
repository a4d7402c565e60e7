package io.shiftrec.ingest;

import io.shiftrec.core.Progress;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The input folder of one import: finds files (each name also as {@code name.gz}), opens them (gunzipping by
 * extension) and reports progress in raw bytes read over the total size of the files the reader resolved.
 */
final class DataFiles {
  private static final int BUFFER = 1 << 16;

  private final Path dir;
  private final String task;
  private final Progress progress;
  private final List<Path> resolved = new ArrayList<>();
  private boolean progressStarted;

  DataFiles(Path dir, String task, Progress progress) {
    this.dir = dir;
    this.task = task;
    this.progress = progress;
  }

  /** The one present file among {@code names} (each also tried with ".gz"); throws when none or several exist. */
  Path require(String... names) throws IOException {
    return find(names).orElseThrow(() -> new NoSuchFileException(dir.toString(), null,
        "missing " + String.join(" or ", names) + " (optionally gzipped)"));
  }

  /** Like {@link #require} but empty when none exists. */
  Optional<Path> find(String... names) throws IOException {
    Path found = null;
    for (String name : names) {
      for (String candidate : new String[] {name, name + ".gz"}) {
        Path p = dir.resolve(candidate);
        if (!Files.isRegularFile(p)) continue;
        if (found != null) {
          throw new IOException(dir + ": both " + found.getFileName() + " and " + candidate
              + " are present; keep one");
        }
        found = p;
      }
    }
    if (found != null) resolved.add(found);
    return Optional.ofNullable(found);
  }

  /** Starts the progress task; call once every file is resolved. */
  void startProgress() throws IOException {
    long total = 0;
    for (Path p : resolved) total += Files.size(p);
    progress.start(task, total);
    progressStarted = true;
  }

  /** Ends the progress task if it was started (a missing file ends the import before that). */
  void finishProgress() {
    if (progressStarted) progress.finish();
  }

  static String name(Path file) {
    return file.getFileName().toString();
  }

  InputStream open(Path file) throws IOException {
    InputStream raw = new CountingStream(Files.newInputStream(file));
    return name(file).endsWith(".gz") ? new GZIPInputStream(raw, BUFFER) : raw;
  }

  /** UTF-8 that reports broken byte sequences by line instead of replacing them silently. */
  StrictUtf8Reader utf8(Path file) throws IOException {
    return new StrictUtf8Reader(open(file));
  }

  /** For single-byte charsets, where every byte is a valid character. */
  BufferedReader singleByte(Path file, Charset charset) throws IOException {
    return new BufferedReader(new InputStreamReader(open(file), charset), BUFFER);
  }

  /** Counts raw (compressed) bytes as they are read, for the progress bar. */
  private final class CountingStream extends FilterInputStream {
    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) progress.step(1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) progress.step(n);
      return n;
    }
  }
}
