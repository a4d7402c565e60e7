package io.shiftrec.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of the {@code shiftrec} command line. */
@Command(name = "shiftrec", mixinStandardHelpOptions = true, versionProvider = ShiftRec.Version.class,
    description = "A recommender for users whose interests move.",
    subcommands = {QuickstartCommand.class, ImportCommand.class, EncodeCommand.class, RecommendCommand.class, ProfileCommand.class,
        TrainCommand.class, ModelsCommand.class, ExportRecommendationsCommand.class, EvaluateCommand.class, ServeCommand.class, BenchCommand.class,
        CheckCommand.class, CopyCommand.class, BackupCommand.class, RestoreCommand.class,
        CommandLine.HelpCommand.class})
public final class ShiftRec {
  /** What every command says of its store option, --db, which is also --store. */
  static final String STORE_HELP = "The store: a SQLite file, or a PostgreSQL database as a JDBC URL"
      + " (jdbc:postgresql://HOST:PORT/DB?user=…&password=…; scripts/dev-postgres start prints one). --store is the"
      + " same option.";

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 done, 1 failed (one-line reason on stderr), 2 bad usage. */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new ShiftRec());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("shiftrec " + commandLine.getCommandName() + ": " + oneLine(e));
      if (Boolean.getBoolean("shiftrec.debug")) e.printStackTrace(commandLine.getErr());
      return 1;
    });
    return cli.execute(args);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.NoSuchFileException) m = "no such file or folder: " + m;
    return m.replace('\n', ' ');
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShiftRec.class.getPackage().getImplementationVersion();
      return new String[] {"shiftrec " + (v == null ? "dev" : v)};
    }
  }
}
