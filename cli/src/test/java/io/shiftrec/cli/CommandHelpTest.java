package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help renders as written: a bare '%' in a description makes picocli print a warning instead. */
class CommandHelpTest {
  @Test
  void everyCommandsHelpRendersWithoutWarnings() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> commands = new ArrayList<>();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      walk(new CommandLine(new ShiftRec()), commands);
    } finally {
      System.setErr(stderr);
    }
    assertTrue(commands.size() > 20, commands.toString());
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
  }

  private static void walk(CommandLine command, List<String> seen) {
    seen.add(command.getCommandSpec().qualifiedName());
    String usage = command.getUsageMessage();
    assertTrue(!usage.contains("%n"), command.getCommandSpec().qualifiedName() + ": " + usage);
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!seen.contains(sub.getCommandSpec().qualifiedName())) walk(sub, seen);
    }
  }
}
