package io.shiftrec.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.shiftrec.core.TextEncoder;
import io.shiftrec.core.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BERT-style sentence encoder (BGE) run in-process by ONNX Runtime, with the model's own HuggingFace tokenizer:
 * texts are truncated to {@link #maxTokens()} tokens, pooled by their first ([CLS]) token and L2-normalised.
 *
 * <p>Texts are sorted by token count and cut into batches of similar length, so padding is small; each batch is
 * padded to its longest text and results come back in input order. A batch holds at most the configured number
 * of texts and {@value #TOKEN_BUDGET} padded tokens: bigger ones spill the activations out of cache (200-token texts
 * ran about 15% slower in batches of 32). Tensors live in direct buffers reused across batches, and the model
 * writes its output into one of them, so nothing is copied through Java arrays.
 *
 * <p>Threads: one session with a single intra-op thread, run concurrently by one worker per core, each on its own
 * batches. On the 2-core development machine this was about 10% faster than one session with 2 intra-op threads
 * on short texts and as fast on long ones while the machine was otherwise idle, and 1.5-2x faster while other
 * processes competed for the cores: an intra-op thread that loses its core stalls every operator of the run,
 * whereas independent workers never wait for each other.
 *
 * <p>The bundled models are int8 with dynamic quantisation, which scales each activation tensor by its range over
 * the whole batch; a text's vector therefore varies slightly with its batch neighbours (cosine about 0.99 to its
 * vector encoded alone), while the same batch always gives the same vectors.
 */
public final class OnnxTextEncoder implements TextEncoder {
  public static final int DEFAULT_BATCH_SIZE = 32;

  /** Worker threads, each running its own batches on the shared session. */
  private static final int WORKERS = Runtime.getRuntime().availableProcessors();
  /** Padded tokens per batch (unless one text alone is longer): bigger batches spill out of cache. */
  private static final int TOKEN_BUDGET = 512;
  /** How this encoder uses the cores, for reports. */
  public static final String THREADING = "one ONNX Runtime session with 1 intra-op thread, run concurrently by " + WORKERS
      + " worker threads on separate batches; at most " + TOKEN_BUDGET + " padded tokens per batch";

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final String modelId;
  private final int maxTokens;
  private final int batchSize;
  private final int dimension;
  private final String output;
  private final boolean takesTokenTypes;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final Worker[] workers;
  private final ExecutorService pool;

  private OnnxTextEncoder(String modelId, OrtSession session, HuggingFaceTokenizer tokenizer, int maxTokens,
                          int batchSize) throws OrtException {
    this.modelId = modelId;
    this.session = session;
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
    this.batchSize = batchSize;
    if (!session.getInputNames().contains(INPUT_IDS) || !session.getInputNames().contains(ATTENTION_MASK)) {
      throw new IllegalArgumentException(modelId + ": model inputs " + session.getInputNames() + " lack "
          + INPUT_IDS + " or " + ATTENTION_MASK);
    }
    takesTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
    Map.Entry<String, NodeInfo> out = session.getOutputInfo().entrySet().iterator().next();
    output = out.getKey();
    long[] shape = ((TensorInfo) out.getValue().getInfo()).getShape();
    if (shape.length != 3 || shape[2] <= 0) {
      throw new IllegalArgumentException(modelId + ": output " + output + " has shape " + Arrays.toString(shape)
          + ", expected [batch, tokens, hidden]");
    }
    dimension = (int) shape[2];
    workers = new Worker[WORKERS];
    for (int i = 0; i < WORKERS; i++) workers[i] = new Worker();
    pool = WORKERS > 1 ? Executors.newFixedThreadPool(WORKERS - 1, r -> {
      Thread t = new Thread(r, "onnx-encoder-" + modelId);
      t.setDaemon(true);
      return t;
    }) : null;
  }

  /**
   * Opens a model and its tokenizer from classpath resources. {@code maxTokens} counts the special tokens too and
   * must not exceed the model's position limit.
   */
  public static OnnxTextEncoder fromClasspath(String modelId, String modelResource, String tokenizerResource,
                                              int maxTokens, int batchSize) {
    if (maxTokens < 2) throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    byte[] model = resource(modelResource);
    HuggingFaceTokenizer tokenizer = tokenizer(tokenizerResource, maxTokens);
    OrtSession session = null;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      session = OrtEnvironment.getEnvironment().createSession(model, options);
      return new OnnxTextEncoder(modelId, session, tokenizer, maxTokens, batchSize);
    } catch (OrtException | RuntimeException e) {
      tokenizer.close();
      if (session != null) {
        try {
          session.close();
        } catch (OrtException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof RuntimeException re) throw re;
      throw new IllegalStateException(modelId + ": cannot load ONNX model " + modelResource, e);
    }
  }

  /** The model's tokenizer, truncating to {@code maxTokens} tokens including [CLS] and [SEP], never padding. */
  public static HuggingFaceTokenizer tokenizer(String resource, int maxTokens) {
    // DJL would otherwise try to download a CUDA build of its native library on a machine with a GPU; offline it
    // extracts the CPU build bundled in its jar.
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Map<String, String> options = new HashMap<>();
    options.put("truncation", "true");
    options.put("padding", "false");
    options.put("maxLength", Integer.toString(maxTokens));
    try (InputStream in = open(resource)) {
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + resource, e);
    }
  }

  public static byte[] resource(String name) {
    try (InputStream in = open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = OnnxTextEncoder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) throw new IllegalArgumentException("resource " + name + " is not on the classpath");
    return in;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int maxTokens() {
    return maxTokens;
  }

  /** Token ids of each text, [CLS] and [SEP] included, truncated to {@link #maxTokens()}. */
  long[][] tokenize(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    long[][] ids = new long[encodings.length][];
    for (int i = 0; i < ids.length; i++) ids[i] = encodings[i].getIds();
    return ids;
  }

  /** Safe to call from several threads, which take turns. */
  @Override
  public synchronized float[][] encode(List<String> texts) {
    int n = texts.size();
    float[][] vectors = new float[n][];
    if (n == 0) return vectors;
    long[][] ids = tokenize(texts);
    int[] order = longestFirst(ids);
    int[] starts = batchStarts(ids, order);
    int batches = starts.length - 1;
    AtomicInteger next = new AtomicInteger();
    List<CompletableFuture<Void>> helpers = new ArrayList<>();
    for (int w = 1; w < Math.min(workers.length, batches); w++) {
      Worker worker = workers[w];
      helpers.add(CompletableFuture.runAsync(() -> worker.drain(ids, order, starts, next, vectors), pool));
    }
    RuntimeException failure = null;
    try {
      workers[0].drain(ids, order, starts, next, vectors);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (CompletableFuture<Void> helper : helpers) {
      try {
        helper.join();
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
        if (failure == null) failure = cause;
        else failure.addSuppressed(cause);
      }
    }
    if (failure != null) throw failure;
    return vectors;
  }

  /**
   * Where each batch starts in {@code order}, plus the end: at most {@code batchSize} texts and, beyond the first
   * text, at most {@link #TOKEN_BUDGET} padded tokens.
   */
  private int[] batchStarts(long[][] ids, int[] order) {
    int[] starts = new int[order.length + 1];
    int count = 0;
    for (int i = 0; i < order.length; ) {
      starts[count++] = i;
      int width = ids[order[i]].length;
      i += Math.min(order.length - i, Math.max(1, Math.min(batchSize, TOKEN_BUDGET / width)));
    }
    starts[count++] = order.length;
    return Arrays.copyOf(starts, count);
  }

  /** Indices of {@code ids} by descending length, ties in input order. */
  private static int[] longestFirst(long[][] ids) {
    long[] keys = new long[ids.length];
    for (int i = 0; i < ids.length; i++) keys[i] = ((long) (Integer.MAX_VALUE - ids[i].length) << 32) | i;
    Arrays.sort(keys);
    int[] order = new int[ids.length];
    for (int i = 0; i < order.length; i++) order[i] = (int) keys[i];
    return order;
  }

  @Override
  public synchronized void close() {
    if (pool != null) pool.shutdownNow();
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(modelId + ": cannot close session", e);
    } finally {
      tokenizer.close();
    }
  }

  /** Runs batches in tensors of its own, big enough for any batch {@link #batchStarts} makes. */
  private final class Worker {
    private final int cells = Math.min(batchSize * maxTokens, Math.max(TOKEN_BUDGET, maxTokens));
    private final LongBuffer inputIds = longs(cells);
    private final LongBuffer attentionMask = longs(cells);
    private final LongBuffer tokenTypes = longs(cells); // stays all zero: one segment per text
    private final FloatBuffer hidden = floats(cells * dimension);

    /** Takes batches from {@code next} until none is left; on failure, leaves none for the other workers. */
    void drain(long[][] ids, int[] order, int[] starts, AtomicInteger next, float[][] vectors) {
      try {
        for (int b; (b = next.getAndIncrement()) < starts.length - 1; ) {
          run(ids, order, starts[b], starts[b + 1], vectors);
        }
      } catch (RuntimeException e) {
        next.set(starts.length);
        throw e;
      }
    }

    /** Encodes texts {@code order[from..to)}, which come longest first, into {@code vectors}. */
    private void run(long[][] ids, int[] order, int from, int to, float[][] vectors) {
      int rows = to - from, width = ids[order[from]].length, used = rows * width;
      for (int r = 0; r < rows; r++) {
        long[] text = ids[order[from + r]];
        int base = r * width;
        for (int j = 0; j < text.length; j++) {
          inputIds.put(base + j, text[j]);
          attentionMask.put(base + j, 1L);
        }
        for (int j = text.length; j < width; j++) {
          inputIds.put(base + j, 0L);
          attentionMask.put(base + j, 0L);
        }
      }
      long[] shape = {rows, width};
      Map<String, OnnxTensor> inputs = new HashMap<>();
      OnnxTensor out = null;
      try {
        inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, inputIds.duplicate().limit(used), shape));
        inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, attentionMask.duplicate().limit(used), shape));
        if (takesTokenTypes) {
          inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, tokenTypes.duplicate().limit(used), shape));
        }
        out = OnnxTensor.createTensor(env, hidden.duplicate().limit(used * dimension),
            new long[] {rows, width, dimension});
        session.run(inputs, Map.of(output, out)).close();
      } catch (OrtException e) {
        throw new IllegalStateException(modelId + ": inference failed", e);
      } finally {
        for (OnnxTensor t : inputs.values()) t.close();
        if (out != null) out.close();
      }
      for (int r = 0; r < rows; r++) {
        float[] v = new float[dimension];
        hidden.get(r * width * dimension, v); // [CLS] is token 0 of each row
        vectors[order[from + r]] = Vectors.normalizeInPlace(v);
      }
    }
  }

  private static LongBuffer longs(int n) {
    return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
  }

  private static FloatBuffer floats(int n) {
    return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
