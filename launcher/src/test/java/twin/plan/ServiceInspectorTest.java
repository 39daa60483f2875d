package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import twin.TwinException;
import twin.profile.Profile;

class ServiceInspectorTest {

  @TempDir Path tmp;

  // --- fixtures -----------------------------------------------------------------------------

  /** A jar with the given entries (empty) and, when classPath is not null, a manifest Class-Path. */
  private static Path jar(Path file, String classPath, String... entries) throws IOException {
    Files.createDirectories(file.getParent());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (String entry : entries) {
        jar.putNextEntry(new JarEntry(entry));
        jar.closeEntry();
      }
    }
    return file;
  }

  /** A JDK-shaped directory: bin/java (an executable file) and a release file of that version. */
  private static Path fakeJdk(Path home, String version) throws IOException {
    Path java = home.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version
        + "\"\nJAVA_RUNTIME_VERSION=\"" + version + "+7\"\n");
    return java;
  }

  private Profile profile(String java, Path workdir, List<String> classpath, String jar, List<String> jvmOptions,
      Map<String, String> env) {
    return new Profile(tmp.resolve("orders.yaml"), "orders", java, workdir, classpath, jar, "com.example.Main",
        List.of(), jvmOptions, env, List.of(), null, null, Map.of());
  }

  private static TwinException thrown(ThrowingCallable call) {
    TwinException e = catchThrowableOfType(TwinException.class, call);
    assertThat(e).as("a TwinException").isNotNull();
    return e;
  }

  private ServiceInspector inspector() {
    return new ServiceInspector(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/orders", "LAUNCHER_ONLY", "x"), tmp);
  }

  // --- @argfiles and -XX:VMOptionsFile ---------------------------------------------------------

  @Test
  void argfilesExpandRelativeToTheWorkdirInPlace() throws IOException {
    Files.writeString(tmp.resolve("jvm.args"), "# options\n-Dapp.env=prod\n\"-Dgreeting=hello world\"\n-Xmx4g\n");
    Files.createDirectories(tmp.resolve("conf"));
    Files.writeString(tmp.resolve("conf/vm.options"), "-XX:+UseG1GC -Duser.timezone=UTC\n");

    List<String> expanded = ServiceInspector.expandOptions(
        List.of("-Dbefore=1", "@jvm.args", "-XX:VMOptionsFile=conf/vm.options", "-Dafter=2"), tmp);

    assertThat(expanded).containsExactly("-Dbefore=1", "-Dapp.env=prod", "-Dgreeting=hello world", "-Xmx4g",
        "-XX:+UseG1GC", "-Duser.timezone=UTC", "-Dafter=2");
  }

  @Test
  void absoluteArgfilePathsAreReadAsGiven() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(other.resolve("a.args"), "-Dfrom=absolute");
    Path workdir = Files.createDirectories(tmp.resolve("work"));

    assertThat(ServiceInspector.expandOptions(List.of("@" + other.resolve("a.args")), workdir))
        .containsExactly("-Dfrom=absolute");
    assertThat(ServiceInspector.expandOptions(List.of("-XX:VMOptionsFile=" + other.resolve("a.args")), workdir))
        .containsExactly("-Dfrom=absolute");
  }

  @Test
  void missingArgfileIsAUsageError() {
    TwinException e = thrown(() -> ServiceInspector.expandOptions(List.of("@missing.args"), tmp));
    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains(tmp.resolve("missing.args").toString()).contains("@missing.args");

    TwinException vm = thrown(() -> ServiceInspector.expandOptions(List.of("-XX:VMOptionsFile=nope.options"), tmp));
    assertThat(vm.exitCode()).isEqualTo(2);
    assertThat(vm.getMessage()).contains("nope.options");
  }

  // --- manifest Class-Path ---------------------------------------------------------------------

  @Test
  void manifestClassPathResolvesNextToTheJarAndDecodesUrls() throws IOException {
    Path app = jar(tmp.resolve("app/orders.jar"), "lib/a.jar lib/b%20c.jar");

    assertThat(ServiceInspector.manifestClassPath(app)).containsExactly(
        tmp.resolve("app/lib/a.jar").toString(), tmp.resolve("app/lib/b c.jar").toString());
  }

  @Test
  void manifestClassPathKeepsAPlusSign() throws IOException {
    // A Class-Path entry is a relative URL: '+' is a literal character there, not a space.
    Path app = jar(tmp.resolve("app/orders.jar"), "lib/lib-1.0+build.5.jar");

    assertThat(ServiceInspector.manifestClassPath(app))
        .containsExactly(tmp.resolve("app/lib/lib-1.0+build.5.jar").toString());
  }

  @Test
  void manifestClassPathNormalisesAndSkipsRemoteUrls() throws IOException {
    Path app = jar(tmp.resolve("app/orders.jar"),
        "../shared/x.jar  file:/opt/common/y.jar http://repo.example.com/z.jar conf/");

    assertThat(ServiceInspector.manifestClassPath(app)).containsExactly(
        tmp.resolve("shared/x.jar").toString(), "/opt/common/y.jar", tmp.resolve("app/conf").toString());
  }

  @Test
  void jarWithoutClassPathHasNoEntries() throws IOException {
    assertThat(ServiceInspector.manifestClassPath(jar(tmp.resolve("plain.jar"), null))).isEmpty();
  }

  @Test
  void unreadableJarIsAUsageError() throws IOException {
    Path notAJar = Files.writeString(tmp.resolve("broken.jar"), "not a zip");
    assertThat(thrown(() -> ServiceInspector.manifestClassPath(notAJar)).exitCode()).isEqualTo(2);
  }

  // --- hasClojure ------------------------------------------------------------------------------

  @Test
  void jarWithClojureCoreHasClojure() throws IOException {
    Path clojure = jar(tmp.resolve("clojure-1.11.1.jar"), null, "clojure/", "clojure/core__init.class");
    Path other = jar(tmp.resolve("other.jar"), null, "com/example/Main.class");

    assertThat(ServiceInspector.hasClojure(List.of(other.toString(), clojure.toString()))).isTrue();
  }

  @Test
  void directoryWithClojureSourceHasClojure() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes/clojure"));
    Files.writeString(classes.resolve("core.clj"), "(ns clojure.core)");

    assertThat(ServiceInspector.hasClojure(List.of(tmp.resolve("classes").toString()))).isTrue();
  }

  @Test
  void wildcardDirectoryHoldingAClojureJarHasClojure() throws IOException {
    jar(tmp.resolve("lib/app.jar"), null, "com/example/Main.class");
    jar(tmp.resolve("lib/clojure-1.12.0.jar"), null, "clojure/core__init.class");

    assertThat(ServiceInspector.hasClojure(List.of(tmp.resolve("lib") + "/*"))).isTrue();
  }

  @Test
  void noClojureAnywhere() throws IOException {
    Path app = jar(tmp.resolve("lib/app.jar"), null, "com/example/Main.class", "clojure/README.txt");
    Path classes = Files.createDirectories(tmp.resolve("classes/clojure"));
    Files.writeString(classes.resolve("set.clj"), "(ns clojure.set)");
    // Java's wildcard takes only jars: a loose clojure/ directory under lib/ does not count.
    Files.createDirectories(tmp.resolve("lib/clojure"));
    Files.writeString(tmp.resolve("lib/clojure/core.clj"), "(ns clojure.core)");

    assertThat(ServiceInspector.hasClojure(List.of(app.toString(), tmp.resolve("classes").toString(),
        tmp.resolve("lib") + "/*", tmp.resolve("missing.jar").toString()))).isFalse();
    assertThat(ServiceInspector.hasClojure(List.of())).isFalse();
  }

  // --- java version ----------------------------------------------------------------------------

  @Test
  void javaVersionComesFromTheReleaseFile() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk-11"), "11.0.2");

    assertThat(ServiceInspector.javaVersion(java)).isEqualTo("11.0.2");
  }

  @Test
  void javaVersionFollowsSymlinksToTheJdk() throws IOException {
    Path java = fakeJdk(tmp.resolve("jvm/jdk-17"), "17.0.9");
    Path bin = Files.createDirectories(tmp.resolve("usr/bin"));
    Path link = Files.createSymbolicLink(bin.resolve("java"), java);

    assertThat(ServiceInspector.javaVersion(link)).isEqualTo("17.0.9");
  }

  @Test
  void featureVersion() {
    assertThat(ServiceInspector.feature("11.0.2")).isEqualTo(11);
    assertThat(ServiceInspector.feature("1.8.0_292")).isEqualTo(8);
    assertThat(ServiceInspector.feature("17")).isEqualTo(17);
    assertThat(ServiceInspector.feature("21-ea")).isEqualTo(21);
  }

  // --- inspect, end to end ---------------------------------------------------------------------

  @Test
  void inspectFindsTheFactsAndSkipsMissingClasspathEntries() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk"), "17.0.9");
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.createDirectories(app.resolve("lib"));
    Files.createDirectories(app.resolve("classes"));
    jar(app.resolve("orders.jar"), null, "com/example/Main.class");
    Files.writeString(app.resolve("jvm.args"), "-Dfrom.argfile=yes\n");

    ServiceFacts facts = inspector().inspect(profile(java.toString(), app,
        List.of("lib/*", "classes", "missing.jar", "orders.jar"), null, List.of("-Xmx4g", "@jvm.args"),
        Map.of("DB__SERVER_NAME", "db.internal")));

    assertThat(facts.java()).isEqualTo(java);
    assertThat(facts.javaVersion()).isEqualTo("17.0.9");
    assertThat(facts.workdir()).isEqualTo(app);
    assertThat(facts.classpath()).containsExactly(app.resolve("lib") + "/*", app.resolve("classes").toString(),
        app.resolve("orders.jar").toString());
    assertThat(facts.warnings()).filteredOn(w -> w.startsWith("classpath entry")).singleElement().asString()
        .contains(app.resolve("missing.jar").toString()).contains("does not exist");
    assertThat(facts.jvmOptions()).containsExactly("-Xmx4g", "-Dfrom.argfile=yes");
    assertThat(facts.hasClojure()).isFalse();
    assertThat(facts.env()).containsEntry("PATH", "/usr/bin:/bin").containsEntry("HOME", "/home/orders")
        .containsEntry("DB__SERVER_NAME", "db.internal").doesNotContainKey("LAUNCHER_ONLY");
    assertThat(facts.user()).isNotNull();
    assertThat(facts.tools()).isNotNull();
  }

  @Test
  void inspectOfAJarServiceAddsItsManifestClassPath() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk"), "21.0.1");
    Path app = Files.createDirectories(tmp.resolve("app"));
    jar(app.resolve("lib/a.jar"), null, "a/A.class");
    jar(app.resolve("lib/clojure.jar"), null, "clojure/core__init.class");
    jar(app.resolve("orders.jar"), "lib/a.jar lib/gone.jar lib/clojure.jar", "com/example/Main.class");

    ServiceFacts facts = inspector().inspect(profile(java.toString(), app, List.of(), "orders.jar", List.of(),
        Map.of()));

    assertThat(facts.classpath()).containsExactly(app.resolve("orders.jar").toString(),
        app.resolve("lib/a.jar").toString(), app.resolve("lib/clojure.jar").toString());
    assertThat(facts.warnings()).filteredOn(w -> w.startsWith("classpath entry")).singleElement().asString().contains("gone.jar");
    assertThat(facts.hasClojure()).isTrue();
  }

  @Test
  void allClasspathEntriesMissingIsAUsageError() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk"), "17.0.9");
    Path app = Files.createDirectories(tmp.resolve("app"));

    TwinException e = thrown(() -> inspector().inspect(profile(java.toString(), app,
        List.of("gone.jar", "lib/*"), null, List.of(), Map.of())));

    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("classpath");
  }

  @Test
  void missingServiceJarIsAUsageError() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk"), "17.0.9");
    Path app = Files.createDirectories(tmp.resolve("app"));

    TwinException e = thrown(() -> inspector().inspect(profile(java.toString(), app, List.of(), "orders.jar",
        List.of(), Map.of())));

    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("orders.jar");
  }

  @Test
  void missingWorkdirIsAUsageError() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk"), "17.0.9");

    TwinException e = thrown(() -> inspector().inspect(profile(java.toString(), tmp.resolve("no-such-dir"),
        List.of("app.jar"), null, List.of(), Map.of())));

    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("workdir").contains("no-such-dir");
  }

  @Test
  void missingJavaIsAUsageError() throws IOException {
    Path app = Files.createDirectories(tmp.resolve("app"));

    TwinException e = thrown(() -> inspector().inspect(profile("/nonexistent/java", app, List.of("app.jar"),
        null, List.of(), Map.of())));

    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("java not found").contains("/nonexistent/java");
  }

  @Test
  void javaOlderThan17IsAUsageError() throws IOException {
    Path java = fakeJdk(tmp.resolve("jdk-11"), "11.0.2");
    Path app = Files.createDirectories(tmp.resolve("app"));
    jar(app.resolve("orders.jar"), null, "com/example/Main.class");

    TwinException e = thrown(() -> inspector().inspect(profile(java.toString(), app, List.of("orders.jar"),
        null, List.of(), Map.of())));

    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("11.0.2").contains("17");
  }
}
