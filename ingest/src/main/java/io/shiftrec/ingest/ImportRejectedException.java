package io.shiftrec.ingest;

/** Thrown under {@link ErrorPolicy#REJECT} when some rows were bad; nothing was written. */
public final class ImportRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ImportReport report;

  ImportRejectedException(ImportReport report) {
    super(report.summary() + (report.errors().isEmpty() ? "" : "; first: " + report.errors().get(0)));
    this.report = report;
  }

  /** Every bad row (up to the report's cap) and the counts read. */
  public ImportReport report() {
    return report;
  }
}
