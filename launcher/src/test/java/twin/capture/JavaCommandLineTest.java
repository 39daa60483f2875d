package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.TwinException;

class JavaCommandLineTest {
  @TempDir Path cwd;

  private JavaCommandLine parse(String... argv) {
    return JavaCommandLine.parse(List.of(argv), cwd);
  }

  @Test
  void cpClasspathAndClassPathGiveTheEntries() {
    for (String option : List.of("-cp", "-classpath", "--class-path")) {
      JavaCommandLine c = parse("java", "-Xmx1g", option, "app.jar:lib/x.jar", "com.example.Main", "--port", "8080");
      assertThat(c.classpath()).as(option).containsExactly("app.jar", "lib/x.jar");
      assertThat(c.jvmOptions()).as(option).containsExactly("-Xmx1g");
      assertThat(c.main()).isEqualTo("com.example.Main");
      assertThat(c.jar()).isNull();
      assertThat(c.args()).containsExactly("--port", "8080");
    }
  }

  @Test
  void classPathWithEquals() {
    JavaCommandLine c = parse("/usr/bin/java", "--class-path=/opt/a.jar:/opt/b", "Main");
    assertThat(c.java()).isEqualTo("/usr/bin/java");
    assertThat(c.classpath()).containsExactly("/opt/a.jar", "/opt/b");
    assertThat(c.jvmOptions()).isEmpty();
    assertThat(c.main()).isEqualTo("Main");
  }

  @Test
  void theLastClasspathWins() {
    assertThat(parse("java", "-cp", "a.jar", "-cp", "b.jar", "Main").classpath()).containsExactly("b.jar");
  }

  @Test
  void wildcardsStayAsWritten() {
    assertThat(parse("java", "-cp", "lib/*:conf", "Main").classpath()).containsExactly("lib/*", "conf");
  }

  @Test
  void jarTakesEverythingAfterItAsArguments() {
    JavaCommandLine c = parse("java", "-Dx=1", "-jar", "target/app.jar", "-cp", "not-an-option", "Main");
    assertThat(c.jar()).isEqualTo("target/app.jar");
    assertThat(c.main()).isNull();
    assertThat(c.classpath()).isEmpty();
    assertThat(c.jvmOptions()).containsExactly("-Dx=1");
    assertThat(c.args()).containsExactly("-cp", "not-an-option", "Main");
    assertThat(c.runs()).isEqualTo("-jar target/app.jar");
  }

  @Test
  void optionsWithSeparateValuesAreJoined() {
    JavaCommandLine c = parse("java", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-p", "mods", "--add-modules", "java.sql",
        "--patch-module", "m=p.jar", "--limit-modules", "java.base", "--upgrade-module-path", "up",
        "--add-reads", "a=b", "--module-path", "mp", "-cp", "app.jar", "Main", "arg");
    assertThat(c.jvmOptions()).containsExactly("--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--module-path=mods", "--add-modules=java.sql",
        "--patch-module=m=p.jar", "--limit-modules=java.base", "--upgrade-module-path=up",
        "--add-reads=a=b", "--module-path=mp");
    assertThat(c.classpath()).containsExactly("app.jar");
    assertThat(c.main()).isEqualTo("Main");
    assertThat(c.args()).containsExactly("arg");
  }

  @Test
  void vmOptionsFileStaysAnOption() {
    assertThat(parse("java", "-XX:VMOptionsFile=conf/jvm.options", "-cp", "a.jar", "Main").jvmOptions())
        .containsExactly("-XX:VMOptionsFile=conf/jvm.options");
  }

  @Test
  void argFilesAreExpandedRelativeToTheProcessCwd() throws IOException {
    Files.writeString(cwd.resolve("jvm.args"), "-Xmx2g\n\"-Dgreeting=hello world\"\n");
    JavaCommandLine c = parse("java", "@jvm.args", "-cp", "a.jar", "Main");
    assertThat(c.jvmOptions()).containsExactly("-Xmx2g", "-Dgreeting=hello world");
    assertThat(c.main()).isEqualTo("Main");
  }

  @Test
  void anArgFileMayHoldTheClasspathAndTheMainClass() throws IOException {
    Files.createDirectories(cwd.resolve("conf"));
    Files.writeString(cwd.resolve("conf/launch"), "# the launch\n-cp lib/*:app.jar com.example.Main --verbose\n");
    JavaCommandLine c = parse("java", "-Dx=1", "@conf/launch", "extra");
    assertThat(c.jvmOptions()).containsExactly("-Dx=1");
    assertThat(c.classpath()).containsExactly("lib/*", "app.jar");
    assertThat(c.main()).isEqualTo("com.example.Main");
    assertThat(c.args()).containsExactly("--verbose", "extra");
  }

  @Test
  void argumentsAfterTheMainClassAreNotExpanded() {
    assertThat(parse("java", "-cp", "a.jar", "Main", "@not-a-file").args()).containsExactly("@not-a-file");
  }

  @Test
  void aMissingArgFileIsAUsageError() {
    assertThatThrownBy(() -> parse("java", "@missing.args", "Main"))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("missing.args").hasMessageContaining("no such file");
  }

  @Test
  void aMainModuleIsRejected() {
    for (List<String> argv : List.of(List.of("java", "-m", "app/app.Main"),
        List.of("java", "-p", "mods", "--module", "app/app.Main"), List.of("java", "--module=app/app.Main"))) {
      assertThatThrownBy(() -> JavaCommandLine.parse(argv, cwd))
          .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
          .hasMessageContaining("the service runs a main module (")
          .hasMessageContaining("write the profile by hand with classpath: and main:");
    }
  }

  @Test
  void aWrapperScriptIsRejectedWithAHint() {
    assertThatThrownBy(() -> parse("/bin/bash", "/opt/orders/bin/run", "-Xmx1g"))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("'bash', not java")
        .hasMessageContaining("--pid")
        .hasMessageContaining("--match");
  }

  @Test
  void noMainClassIsAUsageError() {
    assertThatThrownBy(() -> parse("java", "-version"))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("no main class");
    assertThatThrownBy(() -> parse("java", "-cp"))
        .isInstanceOf(TwinException.class).hasMessageContaining("takes a value");
  }

  @Test
  void aSourceFileLaunchIsRejected() {
    assertThatThrownBy(() -> parse("java", "Hold.java", "x"))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("source file (Hold.java)");
  }

  @Test
  void errorsNeverQuoteASecretOption() {
    assertThatThrownBy(() -> parse("java", "-Ddb.password=s3cr3t-value", "-version"))
        .isInstanceOf(TwinException.class)
        .hasMessageContaining("-Ddb.password=***")
        .message().doesNotContain("s3cr3t-value");
  }

  @Test
  void anEmptyClasspathElementIsTheCurrentDirectory() {
    assertThat(parse("java", "-cp", "a.jar:", "Main").classpath()).containsExactly("a.jar", ".");
  }
}
