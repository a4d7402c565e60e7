package io.shiftrec.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model's raw evaluation: per-user metric values (index = test-user position in the {@link Split}), each user's
 * top list (row t of {@code lists}, {@code stride} wide, {@code listLen[t]} filled) and timings.
 */
final class ModelResult {
  final String model;
  final Map<String, double[]> perUser = new LinkedHashMap<>();
  final int[] lists;
  final int[] listLen;
  final int stride;
  double trainSeconds;
  double evalSeconds;
  Map<String, Object> fitted = Map.of();

  ModelResult(String model, int users, int stride) {
    this.model = model;
    this.stride = stride;
    this.lists = new int[users * stride];
    this.listLen = new int[users];
  }

  double[] values(String metric) {
    return perUser.get(metric);
  }
}
