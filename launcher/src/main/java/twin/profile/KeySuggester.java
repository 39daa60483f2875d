package twin.profile;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key a mistyped one most likely meant, for "did you mean" hints. */
final class KeySuggester {

  private KeySuggester() {}

  /**
   * The known key closest to {@code key}: after folding case, '_' and camelCase to kebab-case,
   * within an edit distance that grows with the key's length (at most 3), or sharing a prefix of
   * at least three characters. Ties go to the earlier known key.
   */
  static Optional<String> suggest(String key, Collection<String> known) {
    String norm = normalize(key);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(norm, candidate);
      // Short keys get a short leash: 'foo' must not suggest 'env'.
      boolean close = d <= Math.max(1, Math.min(3, candidate.length() / 3));
      if (close || sharesPrefix(norm, candidate)) {
        if (d < bestDistance) {
          best = candidate;
          bestDistance = d;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  static String normalize(String key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '_' || c == ' ' || c == '.') {
        out.append('-');
      } else if (Character.isUpperCase(c)) {
        if (i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean sharesPrefix(String a, String b) {
    String shorter = a.length() <= b.length() ? a : b;
    String longer = shorter == a ? b : a;
    return shorter.length() >= 3 && longer.startsWith(shorter);
  }

  // Optimal string alignment distance: Levenshtein plus adjacent transpositions ('nmae').
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
