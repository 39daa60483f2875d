package twin.plan;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start a twin, decided before anything starts: the wrapper programs
 * (session, user, priority), the java command, the environment, workdir and user, and for every
 * option a rule acted on, the rule and its reason. {@code twin launch --dry-run} prints it.
 */
public record LaunchPlan(
    String profileName,
    Path profileFile,
    String twinId,
    List<String> wrapper,
    Path java,
    String javaVersion,
    List<String> jvmOptions,
    List<String> classpath,
    String mainClass,
    List<String> mainArgs,
    Map<String, String> env,
    Path workdir,
    String user,
    Path privateDir,
    Path channelSocket,
    List<String> init,
    List<Decision> decisions,
    List<TwinSetting> own,
    List<String> warnings,
    ClassDataArchive archive) {

  public LaunchPlan {
    wrapper = List.copyOf(wrapper);
    jvmOptions = List.copyOf(jvmOptions);
    classpath = List.copyOf(classpath);
    mainArgs = List.copyOf(mainArgs);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    init = List.copyOf(init);
    decisions = List.copyOf(decisions);
    own = List.copyOf(own);
    warnings = List.copyOf(warnings);
  }

  /** This plan with a class-data archive decision: its options go before the main class. */
  public LaunchPlan withArchive(ClassDataArchive decided) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(decided.options());
    List<TwinSetting> settings = new ArrayList<>(own);
    if (!decided.options().isEmpty()) {
      settings.add(new TwinSetting(String.join(" ", decided.options()), "class-data archive " + decided.note()));
    }
    return new LaunchPlan(profileName, profileFile, twinId, wrapper, java, javaVersion, options, classpath, mainClass,
        mainArgs, env, workdir, user, privateDir, channelSocket, init, decisions, settings, warnings, decided);
  }

  /** The java command alone: java, options, classpath, main class and its arguments. */
  public List<String> javaCommand() {
    List<String> argv = new ArrayList<>();
    argv.add(java.toString());
    argv.addAll(jvmOptions);
    argv.add("-cp");
    argv.add(String.join(":", classpath));
    argv.add(mainClass);
    argv.addAll(mainArgs);
    return argv;
  }

  /** The full command the process is started with: wrappers, then the java command. */
  public List<String> argv() {
    List<String> argv = new ArrayList<>(wrapper);
    argv.addAll(javaCommand());
    return argv;
  }
}
