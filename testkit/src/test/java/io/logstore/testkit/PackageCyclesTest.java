package io.logstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of LogStore's main code depends, through its imports, on a package that depends back
 * on it: the layering inside each module is a hierarchy, not a web (import-control states the
 * allowed directions; this test catches a cycle it does not spell out). Same-package references
 * need no import, and an import of a nested type counts for its enclosing type's package.
 */
class PackageCyclesTest {
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?(io\\.logstore(?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]", Pattern.MULTILINE);
  private static final Pattern PACKAGE =
      Pattern.compile("^package (io\\.logstore[a-z0-9.]*);", Pattern.MULTILINE);

  /** The repository root: this module's parent directory. */
  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    return Files.exists(dir.resolve("testkit")) ? dir : dir.getParent();
  }

  static Map<String, Set<String>> packageGraph() throws IOException {
    Map<String, Set<String>> edges = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String path = file.toString();
        if (!path.endsWith(".java")
            || !path.contains("/src/main/java/")
            || path.contains("/node_modules/")) {
          continue;
        }
        String source = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
          continue;
        }
        String from = pkg.group(1);
        Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            to.add(m.group(1));
          }
        }
      }
    }
    return edges;
  }

  /** Every cycle found by a depth-first search, as the packages along it. */
  static List<List<String>> cycles(Map<String, Set<String>> edges) {
    List<List<String>> found = new ArrayList<>();
    Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
    Deque<String> stack = new ArrayDeque<>();
    for (String start : edges.keySet()) {
      visit(start, edges, state, stack, found);
    }
    return found;
  }

  private static void visit(
      String node,
      Map<String, Set<String>> edges,
      Map<String, Integer> state,
      Deque<String> stack,
      List<List<String>> found) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (var it = stack.descendingIterator(); it.hasNext(); ) {
        String n = it.next();
        in |= n.equals(node);
        if (in) {
          cycle.add(n);
        }
      }
      cycle.add(node);
      found.add(cycle);
      return;
    }
    state.put(node, 1);
    stack.push(node);
    for (String next : edges.getOrDefault(node, Set.of())) {
      visit(next, edges, state, stack, found);
    }
    stack.pop();
    state.put(node, 2);
  }

  @Test
  void shouldFindNoCycleBetweenMainCodePackages() throws IOException {
    Map<String, Set<String>> graph = packageGraph();
    assertThat(graph).as("main-code packages found").containsKey("io.logstore.broker.handler");
    assertThat(cycles(graph)).isEmpty();
  }

  @Test
  void theSearchFindsACycle() {
    // The checker is checked: a two-package cycle is reported.
    Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c", "a"), "c", Set.of());
    assertThat(cycles(new TreeMap<>(graph))).containsExactly(List.of("a", "b", "a"));
  }
}
