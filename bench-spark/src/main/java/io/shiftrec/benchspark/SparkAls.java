package io.shiftrec.benchspark;

import io.shiftrec.learn.Factors;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Interactions;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.core.TrainingData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark MLlib's implicit ALS as a {@link Model}: {@link #fit} hands the same binary interactions ShiftRec's factor
 * models learn from ({@link FactorModel#interactions}) to Spark, trains, and copies the factors back, so the harness
 * scores them exactly as it scores iALS (x_u·y_i over the full catalogue).
 *
 * <p>Hyperparameters follow an {@link ImplicitAls.Config}: the same rank, α and iterations; λ is rescaled by
 * {@link #regParam}, because Spark multiplies its regParam by the row's interaction count (ALS-WR weighting).
 */
final class SparkAls implements Model {
  static final String NAME = "spark-als";

  private static final StructType SCHEMA = new StructType()
      .add("user", DataTypes.IntegerType, false)
      .add("item", DataTypes.IntegerType, false)
      .add("rating", DataTypes.FloatType, false);

  private final SparkSession spark;
  private final ImplicitAls.Config config;
  private double regParam;
  private double alsFitSeconds;
  private Factors factors;

  SparkAls(SparkSession spark, ImplicitAls.Config config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Spark's regParam for ShiftRec's λ. Spark penalises row r with regParam·n_r·|f_r|² (n_r: the row's interactions),
   * ShiftRec with λ·|f_r|²; dividing λ by the mean n_r over every user and item row with an interaction gives both
   * the same total penalty weight, Σ_r regParam·n_r = Σ_r λ, and the same weight on a row of average length.
   */
  static double regParam(float lambda, Interactions data) {
    int rows = 0;
    for (int u = 0; u < data.numUsers(); u++) if (data.rowLength(u) > 0) rows++;
    boolean[] seen = new boolean[data.numItems()];
    for (int item : data.items()) {
      if (!seen[item]) rows++;
      seen[item] = true;
    }
    double meanRowLength = 2.0 * data.size() / rows;
    return lambda / meanRowLength;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    Interactions data = FactorModel.interactions(train);
    regParam = regParam(config.regularization(), data);
    List<Row> rows = new ArrayList<>(data.size());
    for (int u = 0; u < data.numUsers(); u++) {
      for (int p = data.offsets()[u]; p < data.offsets()[u + 1]; p++) {
        rows.add(RowFactory.create(u, data.items()[p], data.weights()[p]));
      }
    }
    org.apache.spark.sql.Dataset<Row> ratings = spark.createDataFrame(rows, SCHEMA);
    ALS als = new ALS()
        .setImplicitPrefs(true)
        .setRank(config.factors())
        .setAlpha(config.alpha())
        .setRegParam(regParam)
        .setMaxIter(config.iterations())
        .setSeed(seed)
        .setUserCol("user")
        .setItemCol("item")
        .setRatingCol("rating");
    long start = System.nanoTime();
    ALSModel model = als.fit(ratings);
    alsFitSeconds = (System.nanoTime() - start) / 1e9;
    int k = config.factors();
    factors = new Factors(k, data.numUsers(), data.numItems(), rowsOf(model.userFactors(), data.numUsers(), k),
        rowsOf(model.itemFactors(), data.numItems(), k), new float[data.numItems()]);
  }

  /** Spark's (id, features) rows as a row-major array; ids Spark never saw (no interaction) stay zero. */
  private static float[] rowsOf(org.apache.spark.sql.Dataset<Row> idAndFeatures, int n, int k) {
    float[] out = new float[n * k];
    for (Row row : idAndFeatures.collectAsList()) {
      int id = row.getInt(0);
      List<Float> features = row.getList(1);
      for (int f = 0; f < k; f++) out[id * k + f] = features.get(f);
    }
    return out;
  }

  @Override
  public void score(int user, float[] scoresOut) {
    factors.scoreAll(user, scoresOut);
  }

  /** The regParam of the last fit. */
  double regParam() {
    return regParam;
  }

  /** Seconds of the last fit spent in Spark's ALS.fit, without handing data over and copying factors back. */
  double alsFitSeconds() {
    return alsFitSeconds;
  }
}
