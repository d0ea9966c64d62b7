// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.storage.StorageRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of every binary, built with picocli from {@link Flag} lists: the main command (start and serve)
 * and the sub-commands {@code help}, {@code version}, {@code env}, {@code print-config}, {@code status}.
 */
final class Cli {
  enum Command {
    MAIN,
    HELP,
    VERSION,
    ENV,
    PRINT_CONFIG,
    STATUS
  }

  /**
   * A parsed command line.
   *
   * @param helpFor non-null when help was asked for: "" for the root, else the sub-command's name
   */
  record Invocation(Command command, Map<String, String> values, boolean all, String helpFor, List<Flag> flags,
      StorageSelection selection) {}

  private Cli() {}

  static Invocation parse(BinarySpec spec, String[] args, Map<String, String> env, StorageRegistry registry) {
    StorageSelection selection = StorageSelection.resolve(spec, args, env, registry);
    List<Flag> flags = Configuration.flags(spec, selection, registry, env);
    Flag status = CommonFlags.statusHostPort(spec);

    CommandSpec root = CommandSpec.create().name(spec.name());
    addFlags(root, flags);
    CommandSpec printConfig = CommandSpec.create().name("print-config");
    addFlags(printConfig, flags);
    printConfig.addOption(OptionSpec.builder("-a", "--all").type(boolean.class).arity("0").build());
    CommandSpec statusCmd = CommandSpec.create().name("status");
    addFlags(statusCmd, List.of(status));
    CommandSpec version = CommandSpec.create().name("version");
    addFlags(version, List.of());
    CommandSpec envCmd = CommandSpec.create().name("env");
    addFlags(envCmd, List.of());
    CommandSpec help = CommandSpec.create().name("help");
    help.addPositional(CommandLine.Model.PositionalParamSpec.builder().arity("0..1").type(String.class).build());
    CommandLine cl = new CommandLine(root)
        .addSubcommand("print-config", new CommandLine(printConfig))
        .addSubcommand("status", new CommandLine(statusCmd))
        .addSubcommand("version", new CommandLine(version))
        .addSubcommand("env", new CommandLine(envCmd))
        .addSubcommand("help", new CommandLine(help));
    cl.setOverwrittenOptionsAllowed(true);
    cl.setExpandAtFiles(false);
    cl.setPosixClusteredShortOptionsAllowed(false);
    cl.setCaseInsensitiveEnumValuesAllowed(false);

    ParseResult pr;
    try {
      pr = cl.parseArgs(args);
    } catch (CommandLine.UnmatchedArgumentException e) {
      String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
      if (first.startsWith("-")) {
        int eq = first.indexOf('=');
        throw new IllegalArgumentException("unknown flag: " + (eq < 0 ? first : first.substring(0, eq)));
      }
      throw new IllegalArgumentException("unknown command \"" + first + "\" for \"" + spec.name() + "\"");
    } catch (CommandLine.MissingParameterException e) {
      String name = e.getMissing().isEmpty() ? "" : e.getMissing().get(0).toString();
      throw new IllegalArgumentException("flag needs an argument: " + name);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }

    ParseResult leaf = pr;
    Command command = Command.MAIN;
    String sub = null;
    if (pr.hasSubcommand()) {
      leaf = pr.subcommand();
      sub = leaf.commandSpec().name();
      command = switch (sub) {
        case "print-config" -> Command.PRINT_CONFIG;
        case "status" -> Command.STATUS;
        case "version" -> Command.VERSION;
        case "env" -> Command.ENV;
        default -> Command.HELP;
      };
    }
    String helpFor = null;
    if (leaf.isUsageHelpRequested()) {
      helpFor = sub == null ? "" : sub;
      command = Command.HELP;
    } else if ("help".equals(sub)) {
      helpFor = leaf.matchedPositionals().isEmpty() ? "" : String.valueOf(leaf.matchedPositionals().get(0).getValue());
    }
    Map<String, String> values = new HashMap<>();
    for (OptionSpec o : leaf.matchedOptions()) {
      String name = o.longestName().substring(2);
      if (name.equals("help") || name.equals("all")) {
        continue;
      }
      Object v = o.getValue();
      values.put(name, v == null ? "" : String.valueOf(v));
    }
    boolean all = command == Command.PRINT_CONFIG && leaf.hasMatchedOption("--all");
    List<Flag> leafFlags = command == Command.STATUS ? List.of(status) : flags;
    return new Invocation(command, values, all, helpFor, leafFlags, selection);
  }

  private static void addFlags(CommandSpec cmd, List<Flag> flags) {
    for (Flag f : flags) {
      OptionSpec.Builder b = OptionSpec.builder("--" + f.name()).type(String.class).description(f.usage())
          .paramLabel(f.type().name().toLowerCase(Locale.ROOT));
      if (f.type() == Flag.Type.BOOL) {
        b.arity("0..1").fallbackValue("true");
      } else {
        b.arity("1");
      }
      cmd.addOption(b.build());
    }
    cmd.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).arity("0").build());
  }

  /** Runs an invocation; MAIN blocks until the binary is stopped. */
  static int execute(BinarySpec spec, Invocation inv, Map<String, String> env, StorageRegistry registry,
      PrintStream out, PrintStream err) throws Exception {
    for (String w : inv.selection().warnings()) {
      err.println(w);
    }
    switch (inv.command()) {
      case HELP:
        out.print(help(spec, inv));
        return 0;
      case VERSION:
        out.print(BuildInfo.get().json());
        return 0;
      case ENV:
        out.print(HelpText.env(registry.types()));
        return 0;
      case PRINT_CONFIG: {
        Configuration c = Configuration.resolve(inv.flags(), inv.selection(), inv.values(), env, false);
        out.print(HelpText.printConfig(c.table(inv.all())));
        return 0;
      }
      case STATUS:
        return status(spec, inv, env, out, err);
      default: {
        Configuration c = Configuration.resolve(inv.flags(), inv.selection(), inv.values(), env, true);
        Launcher l = Launcher.start(spec, c, registry, Clock.systemUTC());
        // SIGTERM/SIGINT: stop gracefully and exit 0 as Jaeger does; the hook covers every other way out.
        Runtime.getRuntime().addShutdownHook(new Thread(l::close, "shutdown-hook"));
        Signals.onTermination(() -> new Thread(l::close, "shutdown-signal").start());
        l.awaitClosed();
        return 0;
      }
    }
  }

  private static String help(BinarySpec spec, Invocation inv) {
    String sub = inv.helpFor() == null ? "" : inv.helpFor();
    switch (sub) {
      case "print-config":
        List<Flag> pc = new ArrayList<>(inv.flags());
        pc.add(Flag.bool("all", false, "Print all configuration options including those with empty values"));
        return HelpText.command(spec, sub, "Print names and values of configuration options, distinguishing"
            + " between default and user-assigned values", pc);
      case "status":
        return HelpText.command(spec, sub, "Print Jaeger component status information, exit non-zero on any error.",
            List.of(CommonFlags.statusHostPort(spec)));
      case "version":
        return HelpText.command(spec, sub, "Print the version.", List.of());
      case "env":
        return HelpText.command(spec, sub, "Help about environment variables.", List.of());
      default:
        return HelpText.root(spec, inv.flags());
    }
  }

  private static int status(BinarySpec spec, Invocation inv, Map<String, String> env, PrintStream out,
      PrintStream err) {
    Configuration c = Configuration.resolve(inv.flags(), inv.selection(), inv.values(), env, false);
    HostPort hp = HostPort.parse(CommonFlags.STATUS_HOST_PORT, c.settings().getString(CommonFlags.STATUS_HOST_PORT));
    String url = "http://" + hp.authority() + "/";
    try {
      HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
      conn.setConnectTimeout(1000);
      conn.setReadTimeout(1000);
      int code = conn.getResponseCode();
      InputStream in = code >= 400 ? conn.getErrorStream() : conn.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      conn.disconnect();
      out.println(body);
      if (code != 200) {
        err.println("Error: abnormal value of http status code: " + code);
        return 1;
      }
      return 0;
    } catch (IOException e) {
      err.println("Error: cannot reach " + url + ": " + e.getMessage());
      return 1;
    }
  }
}
