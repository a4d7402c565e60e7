package io.shiftrec.eval;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Progress;
import io.shiftrec.candidates.Model;
import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fits a model and scores every test user over their candidates (the full catalogue less their training items unless
 * the split's {@link Split.Candidates} narrow it), in parallel over users. Each user's results go
 * to their own slot, and aggregation happens afterwards in user order, so the numbers do not depend on scheduling.
 */
final class Evaluator {
  private static final int CHUNK = 32;

  private Evaluator() {}

  static ModelResult run(Split split, Model model, int[] ks, long seed, int threads, Progress progress) {
    long t0 = System.nanoTime();
    model.fit(split.train(), seed);
    long t1 = System.nanoTime();
    ModelResult result = score(split, model, ks, threads, progress);
    result.trainSeconds = (t1 - t0) / 1e9;
    result.fitted = model.fitted();
    result.evalSeconds = (System.nanoTime() - t1) / 1e9;
    return result;
  }

  static ModelResult score(Split split, Model model, int[] ks, int threads, Progress progress) {
    TrainingData train = split.train();
    Catalog catalog = train.catalog();
    int nTest = split.numTestUsers();
    int kMax = 0;
    for (int k : ks) kMax = Math.max(kMax, k);
    ModelResult res = new ModelResult(model.name(), nTest, kMax);
    boolean vectors = !catalog.spaces().isEmpty();
    for (int k : ks) {
      for (String m : new String[] {"HR", "Recall", "Precision", "F1", "NDCG"}) res.perUser.put(m + "@" + k, new double[nTest]);
    }
    res.perUser.put("MRR", new double[nTest]);
    for (int k : ks) {
      res.perUser.put("Novelty@" + k, new double[nTest]);
      res.perUser.put("ARP@" + k, new double[nTest]);
      if (vectors) res.perUser.put("ILD@" + k, new double[nTest]);
    }
    int[] pop = train.popularity();
    int usersWithHistory = 0;
    for (int u = 0; u < train.numUsers(); u++) if (train.historyLength(u) > 0) usersWithHistory++;
    final int histUsers = usersWithHistory;
    int maxTargets = 0;
    for (int t = 0; t < nTest; t++) maxTargets = Math.max(maxTargets, split.numTargets(t));
    final int mt = maxTargets;
    final int kmax = kMax;

    int nk = ks.length;
    double[][] hr = new double[nk][], rec = new double[nk][], prec = new double[nk][], f1 = new double[nk][],
        ndcg = new double[nk][], nov = new double[nk][], arp = new double[nk][], ild = new double[nk][];
    for (int j = 0; j < nk; j++) {
      hr[j] = res.perUser.get("HR@" + ks[j]);
      rec[j] = res.perUser.get("Recall@" + ks[j]);
      prec[j] = res.perUser.get("Precision@" + ks[j]);
      f1[j] = res.perUser.get("F1@" + ks[j]);
      ndcg[j] = res.perUser.get("NDCG@" + ks[j]);
      nov[j] = res.perUser.get("Novelty@" + ks[j]);
      arp[j] = res.perUser.get("ARP@" + ks[j]);
      ild[j] = res.perUser.get("ILD@" + ks[j]);
    }
    double[] mrr = res.perUser.get("MRR");

    progress.start("evaluate " + model.name(), nTest);
    Split.Candidates cand = split.candidates();
    Object lock = new Object();
    AtomicInteger next = new AtomicInteger();
    int nThreads = Math.max(1, Math.min(threads, (nTest + CHUNK - 1) / CHUNK));
    Runnable worker = () -> {
      int n = catalog.size();
      float[] scores = new float[n];
      boolean[] isTarget = new boolean[n];
      int[] ranks = new int[mt], counts = new int[mt + 1], ties = new int[mt];
      float[] tscratch = new float[mt], heap = new float[Math.max(1, kmax)];
      int[] top = new int[Math.max(1, kmax)];
      int[] off = train.offsets(), hist = train.historyItems(), itemDomain = train.itemDomains();
      float[] listed = null; // the scores of the listed candidates, NaN elsewhere
      if (cand != null && cand.hasList()) {
        listed = new float[n];
        Arrays.fill(listed, Float.NaN);
      }
      int chunk;
      while ((chunk = next.getAndIncrement() * CHUNK) < nTest) {
        int end = Math.min(nTest, chunk + CHUNK);
        for (int t = chunk; t < end; t++) {
          int u = split.testUsers()[t];
          model.score(u, scores);
          for (int i = 0; i < n; i++) if (scores[i] != scores[i]) scores[i] = Float.NEGATIVE_INFINITY;
          float[] ranked = scores;
          if (listed != null) { // exactly the listed items are candidates, training items included
            int lo = cand.listOffsets()[t], hi = cand.listOffsets()[t + 1];
            for (int q = lo; q < hi; q++) listed[cand.list()[q]] = scores[cand.list()[q]];
            ranked = listed;
          } else {
            for (int p = off[u]; p < off[u + 1]; p++) scores[hist[p]] = Float.NaN; // not candidates
            int d = cand == null ? -1 : cand.domainOf(t);
            if (d >= 0) for (int i = 0; i < n; i++) if (itemDomain[i] != d) scores[i] = Float.NaN;
          }
          int from = split.targetOffsets()[t], to = split.targetOffsets()[t + 1], nt = to - from;
          Ranking.targetRanks(ranked, split.targets(), from, to, ranks, isTarget, counts, tscratch, ties);
          int len = Ranking.top(ranked, kmax, top, heap);
          if (listed != null) {
            for (int q = cand.listOffsets()[t]; q < cand.listOffsets()[t + 1]; q++) listed[cand.list()[q]] = Float.NaN;
          }
          System.arraycopy(top, 0, res.lists, t * kmax, len);
          res.listLen[t] = len;
          for (int j = 0; j < nk; j++) {
            int k = ks[j];
            hr[j][t] = Metrics.hitRate(ranks, nt, k);
            rec[j][t] = Metrics.recall(ranks, nt, k);
            prec[j][t] = Metrics.precision(ranks, nt, k);
            f1[j][t] = Metrics.f1(ranks, nt, k);
            ndcg[j][t] = Metrics.ndcg(ranks, nt, k);
            int l = Math.min(k, len);
            nov[j][t] = Metrics.novelty(res.lists, t * kmax, l, pop, histUsers);
            arp[j][t] = Metrics.arp(res.lists, t * kmax, l, pop);
            if (vectors) ild[j][t] = Metrics.ild(res.lists, t * kmax, l, catalog);
          }
          mrr[t] = Metrics.mrr(ranks, nt);
        }
        synchronized (lock) {
          progress.step(end - chunk);
        }
      }
    };
    if (nThreads == 1) {
      worker.run();
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(nThreads, r -> {
        Thread th = new Thread(r, "shiftrec-eval");
        th.setDaemon(true);
        return th;
      });
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < nThreads; i++) fs.add(pool.submit(worker));
        for (Future<?> f : fs) f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("evaluation interrupted", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) throw re;
        if (c instanceof Error err) throw err;
        throw new IllegalStateException(c);
      } finally {
        pool.shutdownNow();
      }
    }
    progress.finish();
    return res;
  }
}
