package twin.profile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import twin.secret.Redactor;

/**
 * Writes a profile back as YAML for {@code twin profiles show}, secrets masked. The output reads
 * back with {@link ProfileLoader}: every string is double-quoted, keys follow the schema's order.
 */
public final class ProfileRenderer {

  private static final Resolver RESOLVER = new Resolver();

  /** The profile as YAML; absent settings are left out, secrets are masked by {@code redactor}. */
  public String render(Profile p, Redactor redactor) {
    // The profile's own secret variables are masked wherever else their values appear in it.
    Redactor r = redactor.plus(p.env()).plus(p.twin().env());
    StringBuilder out = new StringBuilder();
    scalar(out, "", "name", p.name());
    if (p.source() != null) {
      out.append("source:\n");
      scalar(out, "  ", p.source().kind().key(), r.redact(p.source().value()));
    }
    scalar(out, "", "java", r.redact(p.java()));
    scalar(out, "", "workdir", p.workdir() == null ? null : r.redact(p.workdir().toString()));
    scalar(out, "", "user", r.redact(p.user()));
    list(out, "", "classpath", p.classpath(), r::redact);
    scalar(out, "", "jar", r.redact(p.jar()));
    scalar(out, "", "main", r.redact(p.main()));
    args(out, "", "args", p.args(), r);
    args(out, "", "jvm-options", p.jvmOptions(), r);
    env(out, "", "env", p.env(), r);
    list(out, "", "env-files", p.envFiles().stream().map(Path::toString).toList(), r::redact);
    TwinSettings t = p.twin();
    if (!t.isEmpty()) {
      out.append("twin:\n");
      String in = "  ";
      list(out, in, "init", t.init(), r::redact);
      scalar(out, in, "heap", t.heap());
      args(out, in, "keep-options", t.keepOptions(), r);
      env(out, in, "env", t.env(), r);
      list(out, in, "unset-env", t.unsetEnv(), UnaryOperator.identity());
      scalar(out, in, "idle-timeout", t.idleTimeout());
      scalar(out, in, "max-lifetime", t.maxLifetime());
      list(out, in, "secret-names", t.secretNames(), UnaryOperator.identity());
      if (t.requireReason()) {
        out.append(in).append("require-reason: true\n");
      }
      list(out, in, "allowed-users", t.allowedUsers(), UnaryOperator.identity());
      list(out, in, "allowed-groups", t.allowedGroups(), UnaryOperator.identity());
      list(out, in, "extra-classpath", t.extraClasspath(), r::redact);
    }
    if (!p.databases().isEmpty()) {
      out.append("databases:\n");
      for (Database d : p.databases().values()) {
        out.append("  ").append(d.name()).append(":\n");
        String in = "    ";
        scalar(out, in, "url", d.url() == null ? null : r.redact(Redactor.maskUrlPasswords(d.url())));
        scalar(out, in, "user", r.redact(d.user()));
        scalar(out, in, "password", password(d.password()));
        scalar(out, in, "mode", d.mode());
        scalar(out, in, "statement-timeout", d.statementTimeout());
        scalar(out, in, "lock-timeout", d.lockTimeout());
        scalar(out, in, "max-rows", d.maxRows() == null ? null : d.maxRows().toString());
        scalar(out, in, "fetch-size", d.fetchSize() == null ? null : d.fetchSize().toString());
        if (d.readOnlyUser() != null) {
          out.append(in).append("read-only:\n");
          scalar(out, in + "  ", "user", r.redact(d.readOnlyUser()));
          scalar(out, in + "  ", "password", password(d.readOnlyPassword()));
        }
        scalar(out, in, "datasource", r.redact(d.datasource()));
      }
    }
    return out.toString();
  }

  /** A password as written when it only names a variable ({@code ${DB_PASSWORD}}), else masked. */
  private static String password(String value) {
    if (value == null) {
      return null;
    }
    return value.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*}") ? value : Redactor.MASK;
  }

  private static void scalar(StringBuilder out, String indent, String key, String value) {
    if (value != null) {
      out.append(indent).append(key).append(": ").append(YamlText.quote(value)).append('\n');
    }
  }

  /** Arguments, masked as a whole list: {@code --db-password VALUE} masks the next one. */
  private static void args(StringBuilder out, String indent, String key, List<String> values, Redactor r) {
    list(out, indent, key, r.redactArgs(values), UnaryOperator.identity());
  }

  private static void list(StringBuilder out, String indent, String key, List<String> values,
      UnaryOperator<String> redact) {
    if (values.isEmpty()) {
      return;
    }
    out.append(indent).append(key).append(":\n");
    for (String v : values) {
      out.append(indent).append("  - ").append(YamlText.quote(redact.apply(v))).append('\n');
    }
  }

  private static void env(StringBuilder out, String indent, String key, Map<String, String> env,
      Redactor r) {
    if (env.isEmpty()) {
      return;
    }
    out.append(indent).append(key).append(":\n");
    env.forEach((name, value) -> out.append(indent).append("  ").append(envKey(name))
        .append(": ").append(YamlText.quote(r.redactValue(name, value))).append('\n'));
  }

  // Plain names read best; quote the few that YAML 1.1 would read as something else (ON, Y, NULL).
  private static String envKey(String name) {
    boolean plainIsText = ProfileLoader.ENV_NAME.matcher(name).matches()
        && !ProfileLoader.LOOSE_BOOLEAN.matcher(name).matches()
        && RESOLVER.resolve(NodeId.scalar, name, true).equals(Tag.STR);
    return plainIsText ? name : YamlText.quote(name);
  }
}
