package io.shiftrec.learn;

import io.shiftrec.core.Parameters;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bayesian personalised ranking with matrix factorisation (Rendle et al., UAI 2009): maximise
 * Σ ln σ(x̂_ui − x̂_uj) − λ‖Θ‖² over triples of a user, an item they interacted with and one they did not, with
 * x̂_ui = x_u·y_i + b_i, by stochastic gradient ascent. An epoch draws as many triples as there are interactions:
 * the positive pair uniformly among the interactions, the negative item uniformly among the user's non-items.
 * Interaction weights are ignored: BPR learns an order, not a strength.
 *
 * <p>Single-threaded on purpose: parallel SGD that shares factors without locks (Hogwild) makes the result depend
 * on thread timing, and the models here must be pure functions of data and seed. An epoch over the 480,000
 * interactions of the MovieLens 1M subset takes about half a second at rank 64.
 */
public final class BprMf {
  private BprMf() {}

  /**
   * @param factors rank k
   * @param learningRate SGD step size
   * @param regularization λ, applied to the factors and biases touched by each step
   * @param epochs passes of as many sampled triples as interactions
   */
  public record Config(int factors, float learningRate, float regularization, int epochs) {
    public Config {
      if (factors < 1 || epochs < 1) {
        throw new IllegalArgumentException("BPR factors and epochs must be positive, got " + factors + ", " + epochs);
      }
      if (!(learningRate > 0) || Float.isInfinite(learningRate) || !(regularization >= 0)
          || Float.isInfinite(regularization)) {
        throw new IllegalArgumentException("BPR learning rate must be > 0 and regularization ≥ 0, got "
            + learningRate + ", " + regularization);
      }
    }

    /** Chosen on the validation targets of MovieLens 1M and MovieLens Latest Small (docs/DESIGN.md). */
    public static Config defaults() {
      return new Config(64, 0.1f, 0.001f, 30);
    }

    /** The hyperparameters by the names {@link #with} accepts, for reports and saved artefacts. */
    public Map<String, Object> toMap() {
      return Parameters.inOrder("factors", factors, "lr", learningRate, "reg", regularization, "epochs", epochs);
    }

    /** This config with one hyperparameter set from text, e.g. {@code with("lr", "0.01")}. */
    public Config with(String key, String value) {
      return switch (key) {
        case "factors" -> new Config(Parameters.positiveInt(key, value), learningRate, regularization, epochs);
        case "lr" -> new Config(factors, Parameters.nonNegative(key, value), regularization, epochs);
        case "reg" -> new Config(factors, learningRate, Parameters.nonNegative(key, value), epochs);
        case "epochs" -> new Config(factors, learningRate, regularization, Parameters.positiveInt(key, value));
        default -> throw Parameters.unknown("bpr", key, toMap());
      };
    }
  }

  /** Trains on {@code data}; {@code listener} hears the mean −ln σ of each epoch's triples plus the penalty. */
  public static Factors fit(Interactions data, Config config, long seed, EpochListener listener) {
    int k = config.factors(), nu = data.numUsers(), ni = data.numItems(), n = data.size();
    SplittableRandom random = new SplittableRandom(seed);
    float scale = (float) (0.1 / Math.sqrt(k));
    float[] x = Gaussian.fill(nu * k, scale, random);
    float[] y = Gaussian.fill(ni * k, scale, random);
    float[] bias = new float[ni];
    Factors current = new Factors(k, nu, ni, x, y, bias);
    int[] offsets = data.offsets();
    int[] sorted = data.items().clone(); // each row ascending, for the negative item test
    int[] userOf = new int[n];
    for (int u = 0; u < nu; u++) {
      Arrays.sort(sorted, offsets[u], offsets[u + 1]);
      Arrays.fill(userOf, offsets[u], offsets[u + 1], u);
    }
    float lr = config.learningRate(), reg = config.regularization();
    float[] userRow = new float[k];
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      double lossSum = 0;
      int samples = 0;
      for (int s = 0; s < n; s++) {
        int p = random.nextInt(n);
        int u = userOf[p];
        if (offsets[u + 1] - offsets[u] >= ni) continue; // the user has every item: no negative exists
        int i = data.items()[p];
        int j;
        do {
          j = random.nextInt(ni);
        } while (Arrays.binarySearch(sorted, offsets[u], offsets[u + 1], j) >= 0);
        int uo = u * k, io = i * k, jo = j * k;
        float diff = bias[i] - bias[j];
        for (int f = 0; f < k; f++) diff += x[uo + f] * (y[io + f] - y[jo + f]);
        // d/d diff of ln σ(diff) = σ(−diff)
        float g = (float) (1 / (1 + StrictMath.exp(diff)));
        lossSum += diff > 0 ? StrictMath.log1p(StrictMath.exp(-diff)) : -diff + StrictMath.log1p(StrictMath.exp(diff));
        samples++;
        System.arraycopy(x, uo, userRow, 0, k);
        for (int f = 0; f < k; f++) {
          float yi = y[io + f], yj = y[jo + f];
          x[uo + f] += lr * (g * (yi - yj) - reg * userRow[f]);
          y[io + f] += lr * (g * userRow[f] - reg * yi);
          y[jo + f] += lr * (-g * userRow[f] - reg * yj);
        }
        bias[i] += lr * (g - reg * bias[i]);
        bias[j] += lr * (-g - reg * bias[j]);
      }
      if (listener != EpochListener.NONE) {
        double penalty = reg * current.squaredNorm();
        listener.epochDone(epoch, (samples == 0 ? 0 : lossSum / samples) + penalty / Math.max(1, n), current);
      }
    }
    return current;
  }
}
